import { timeSplit, type TimeSplit } from '../conformal/index.js';
import type { LandmarkRow, TargetName } from '../features/index.js';

/**
 * One origin of a rolling-origin backtest: a model is trained on what was known at `origin`,
 * calibrated on [origin, testFrom) and tested on [testFrom, testTo).
 */
export interface Fold {
  origin: string;
  testFrom: string;
  testTo: string;
}

export interface FoldOptions {
  /** Origins (default 3). */
  folds?: number;
  /** Share of the landmarks in each calibration and test window (default 0.1). */
  window?: number;
}

/**
 * `folds` origins over the newest part of the data, one window apart, so the last fold tests on
 * the newest window: with 3 folds of 10 %, origins at 60, 70 and 80 % of the landmarks by time.
 * Windows are cut by share of landmarks, not by days, so each fold tests on as many cases.
 */
export function rollingOrigins(times: readonly string[], options: FoldOptions = {}): Fold[] {
  const { folds = 3, window = 0.1 } = options;
  if (!(folds >= 1) || !(window > 0) || (folds + 1) * window >= 1) throw new Error(`A backtest of ${folds} folds of ${window} leaves nothing to train the first one on: (folds + 1) × window must stay below 1.`);
  const sorted = [...times].sort();
  if (sorted.length === 0) return [];
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
  const first = 1 - (folds + 1) * window;
  // The last test window runs past the newest landmark: an exclusive bound just after it.
  const end = new Date(Date.parse(sorted[sorted.length - 1]!) + 1).toISOString();
  return Array.from({ length: folds }, (_, i) => {
    const origin = first + i * window;
    return { origin: at(origin), testFrom: at(origin + window), testTo: i === folds - 1 ? end : at(origin + 2 * window) };
  });
}

/**
 * The cases of one fold: training landmarks before the origin whose outcome was known by it,
 * calibration landmarks whose outcome was known by the test window's start, and the test window's
 * landmarks with an outcome (known by the data's cut).
 */
export function foldSplit<R extends LandmarkRow>(rows: readonly R[], fold: Fold, target: TargetName): TimeSplit<R> {
  const split = timeSplit(rows, { calibrationFrom: fold.origin, testFrom: fold.testFrom }, (r) => r.outcomeAt[target]);
  return { ...split, test: split.test.filter((r) => r.at < fold.testTo) };
}
