// Equipment maintenance forecasts, the data side: features per unit-day, labels, baselines and metrics.
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
