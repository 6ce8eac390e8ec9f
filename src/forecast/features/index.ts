export { FEATURES, FEATURE_NAMES, TARGETS, encode, encodeFacts, featureSpec, landmarkFactsSchema, type FeatureName, type FeatureRow, type FeatureSpec, type LandmarkFacts, type TargetName } from './feature-list.js';
export { landmarkFacts, servingRow, type LandmarkContext } from './serving-row.js';
export { historyEndOf, historyLandmarks, landmarkKey, landmarkRows, targetsAhead, type HistoryLandmark, type LandmarkOptions, type LandmarkRow } from './landmark-rows.js';
export { QUEUE_STAGES, queueLoads } from './queue-sweep.js';
