import type { Booster } from './booster.js';

export interface QuantileModels {
  p10: Booster;
  p50: Booster;
  p90: Booster;
}

export interface Quantiles {
  p10: number;
  p50: number;
  p90: number;
}

/**
 * P10/P50/P90 from three separately trained quantile models. Nothing ties them together during
 * training, so they can cross on a row; sorting the three is the standard fix and never moves the
 * set of predicted values, only which quantile each is called.
 */
export function predictQuantiles(models: QuantileModels, row: ArrayLike<number>): Quantiles {
  const [p10, p50, p90] = [models.p10.predict(row), models.p50.predict(row), models.p90.predict(row)].sort((a, b) => a - b);
  return { p10: p10!, p50: p50!, p90: p90! };
}
