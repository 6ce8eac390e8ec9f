export { FEATURES, FEATURE_NAMES, TARGETS, encode, featureSpec, type FeatureName, type FeatureRow, type FeatureSpec, type TargetName } from './feature-list.js';
export { servingRow, type LandmarkContext } from './serving-row.js';
export { landmarkRows, stillAhead, type LandmarkOptions, type LandmarkRow } from './landmark-rows.js';
export { QUEUE_STAGES, queueLoads } from './queue-sweep.js';
