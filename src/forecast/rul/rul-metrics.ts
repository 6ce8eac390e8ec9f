/** RUL labels stop growing here: early in life an engine's sensors cannot tell 150 cycles from 300. */
export const RUL_CAP = 125;

export function rmse(predicted: readonly number[], actual: readonly number[]): number {
  const sum = predicted.reduce((s, p, i) => s + (p - actual[i]!) ** 2, 0);
  return Math.sqrt(sum / predicted.length);
}

/**
 * The PHM08 / NASA scoring function: late predictions (d = predicted − true > 0) cost more than
 * early ones, because a late maintenance call means a failure in service.
 */
export function nasaScore(predicted: readonly number[], actual: readonly number[]): number {
  return predicted.reduce((s, p, i) => {
    const d = p - actual[i]!;
    return s + (d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1);
  }, 0);
}
