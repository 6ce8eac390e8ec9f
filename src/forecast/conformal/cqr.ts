/**
 * Conformalized quantile regression (Romano, Patterson & Candès, 2019): widen (or narrow) a
 * quantile model's [lo, hi] by the amount that made it cover 1 − α of a held-out calibration set.
 */

export interface QuantilePrediction {
  p10: number;
  p50: number;
  p90: number;
}

/** A calibration case: the model's prediction, the outcome, and the cell it belongs to (product × stage). */
export interface CalibrationCase extends QuantilePrediction {
  y: number;
  group?: string;
}

export interface Calibration {
  alpha: number;
  /** The correction every group without enough cases of its own gets. */
  global: number;
  groups: Record<string, { n: number; correction: number }>;
}

export interface CalibrateOptions {
  /** Miscoverage: 0.2 for [P10, P90]. */
  alpha?: number;
  /** A group with fewer calibration cases than this uses the global correction. */
  minGroupSize?: number;
}

/** Quantiles cannot cross: sorting per row is the monotone rearrangement (Chernozhukov et al.). */
export function nonCrossing(p: QuantilePrediction): QuantilePrediction {
  const [p10, p50, p90] = [p.p10, p.p50, p.p90].sort((a, b) => a - b) as [number, number, number];
  return { p10, p50, p90 };
}

/**
 * E: the ⌈(1 − α)(n + 1)⌉-th smallest conformity score max(lo − y, y − hi), i.e. the (1 − α)(1 + 1/n)
 * empirical quantile. With too few cases for that rank the guarantee needs an infinite E; we say so.
 */
export function cqrCorrection(cases: readonly CalibrationCase[], alpha: number): number {
  if (cases.length === 0) return Infinity;
  const scores = cases.map((c) => {
    const { p10, p90 } = nonCrossing(c);
    return Math.max(p10 - c.y, c.y - p90);
  });
  scores.sort((a, b) => a - b);
  const rank = Math.ceil((1 - alpha) * (cases.length + 1));
  return rank > scores.length ? Infinity : scores[rank - 1]!;
}

/** Corrections from a calibration window: global, and per group where the group has enough cases. */
export function calibrate(cases: readonly CalibrationCase[], options: CalibrateOptions = {}): Calibration {
  const { alpha = 0.2, minGroupSize = 100 } = options;
  const byGroup = new Map<string, CalibrationCase[]>();
  for (const c of cases) {
    if (c.group === undefined) continue;
    const members = byGroup.get(c.group);
    if (members) members.push(c);
    else byGroup.set(c.group, [c]);
  }
  const groups: Calibration['groups'] = {};
  for (const [group, members] of byGroup) {
    if (members.length >= minGroupSize) groups[group] = { n: members.length, correction: cqrCorrection(members, alpha) };
  }
  return { alpha, global: cqrCorrection(cases, alpha), groups };
}

/** The calibrated interval [lo − E, hi + E] of the prediction's group (or the global E), never crossing. */
export function applyCalibration(calibration: Calibration, prediction: QuantilePrediction, group?: string): QuantilePrediction {
  const e = (group !== undefined ? calibration.groups[group]?.correction : undefined) ?? calibration.global;
  const p = nonCrossing(prediction);
  return nonCrossing({ p10: p.p10 - e, p50: p.p50, p90: p.p90 + e });
}
