// Equipment maintenance forecasts: features per unit-day, labels, baselines, the LightGBM models and their serving.
export { EQUIPMENT_KIND_CODES, MAINTENANCE_FEATURES, PER_METRIC_FEATURES, UNIT_FEATURES, type MaintenanceFeature, type MaintenanceFeatureRow } from './feature-list.js';
export { unitHistories, epochDay, isoDay, type EquipmentRecords, type UnitHistory } from './unit-history.js';
export { unitDayFeatures } from './daily-features.js';
export { FAILURE_HORIZON_DAYS, RUL_CAP_DAYS, unitDayLabels, type MaintenanceLabels } from './labels.js';
export { maintenanceRows, type MaintenanceRow } from './training-rows.js';
export { averagePrecision, bestF1Threshold, precisionRecallAt, baseRate, type Scored, type Confusion } from './ranking-metrics.js';
export { fitThresholdRule, evaluateThresholdRule, THRESHOLD_RULE_FEATURES, type ThresholdRule, type RuleEvaluation } from './threshold-rule.js';
export { splitByDay, type TimeSplit } from './time-split.js';
export { twinFailureProbability, effectiveAgeDays } from './twin-hazard.js';
export { evaluateMaintenanceBaselines, type MaintenanceBaselines } from './evaluation.js';
export { loadEquipmentRecords, type RecordsQuery, type StoredRecords } from './load-records.js';
export {
  featureVector, fitMaintenanceModels, loadMaintenanceModels, measureMaintenanceModels, predictFailure, predictRul,
  type FailureArtifact, type MaintenanceMetrics, type MaintenanceModels, type RulArtifact,
} from './maintenance-model.js';
export { ASSESSMENT_METHODS, assessUnitDay, FALLBACK_RULE, type AssessmentMethod, type UnitAssessment } from './assess-unit.js';
/** `v2v forecast train` for maintenance: trains and registers both candidates of one equipment kind. */
export { trainMaintenanceCandidates, type MaintenanceCandidates, type TrainMaintenanceOptions } from './train-candidates.js';
export { fillMissingSummaries, summariesFromReadings } from './reading-summaries.js';
