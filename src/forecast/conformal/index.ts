export { applyCalibration, calibrate, cqrCorrection, nonCrossing, type CalibrateOptions, type Calibration, type CalibrationCase, type QuantilePrediction } from './cqr.js';
export { coverageReport, pinball, type CellReport, type CoverageReport, type ScoredCase } from './coverage-report.js';
export { cutsByShare, timeSplit, type Timed, type TimeSplit } from './time-split.js';
export { fitEmpiricalQuantiles, type EmpiricalCase, type EmpiricalQuantiles } from './empirical-quantiles.js';
