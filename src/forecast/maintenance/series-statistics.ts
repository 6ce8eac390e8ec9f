// Small statistics over a window of daily values, each as its feature defines it.

/** Least-squares slope of y over x; undefined below 3 points or when every x is the same. */
export function slope(points: readonly (readonly [x: number, y: number])[]): number | undefined {
  if (points.length < 3) return undefined;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? undefined : sxy / sxx;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How often consecutive values fall on opposite sides of their own mean (a value on the mean is no side). */
export function meanCrossings(values: readonly number[]): number | undefined {
  if (values.length < 3) return undefined;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  let crossings = 0;
  let side = 0;
  for (const v of values) {
    const s = Math.sign(v - mean);
    if (s === 0) continue;
    if (side !== 0 && s !== side) crossings++;
    side = s;
  }
  return crossings;
}
