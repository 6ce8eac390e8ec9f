/**
 * A history too thin to train on (no labelled outcome, or too few for the backtest's folds): a new
 * installation's normal state, which the weekly retraining reports and skips rather than fails on.
 */
export class NothingToTrainError extends Error {
  override name = 'NothingToTrainError';
}
