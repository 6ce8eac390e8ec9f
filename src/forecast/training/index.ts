export { backtestFigures, runBacktest, type Backtest, type BacktestCase, type BacktestFigures, type BacktestOptions, type FoldReport } from './backtest.js';
export { foldSplit, rollingOrigins, type Fold, type FoldOptions } from './folds.js';
export { loadLandmarkRows, type LandmarkQuery, type LandmarkSource, type LoadedLandmarks, type TrainingRow } from './landmark-source.js';
export { NothingToTrainError } from './nothing-to-train.js';
export { promoteIfBetter } from './promote.js';
export { challengeActive, decidePromotion, MIN_CHALLENGE_CASES, type Challenge, type PromotionDecision } from './promotion-rule.js';
export { backtestFromDatabase, trainCandidate, type CandidateMetrics, type TrainOptions } from './train-candidate.js';
export { describeBacktest, describeCandidate, describeModels } from './describe.js';
