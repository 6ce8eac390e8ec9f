import { quantile } from '../../domain/turnaround-baseline.js';
import type { QuantilePrediction } from './cqr.js';

/** A training case of the empirical baseline: its cell (product × stage), its product, and its outcome. */
export interface EmpiricalCase {
  group: string;
  product: string;
  y: number;
}

export interface EmpiricalQuantiles {
  predict(c: Omit<EmpiricalCase, 'y'>): QuantilePrediction;
}

/** Below this many cases a cell borrows its product's quantiles, and a product the global ones. */
const MIN_CELL = 20;

function quantilesOf(ys: number[]): QuantilePrediction {
  const sorted = [...ys].sort((a, b) => a - b);
  return { p10: quantile(sorted, 0.1), p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
}

function byKey(cases: readonly EmpiricalCase[], key: (c: EmpiricalCase) => string): Map<string, QuantilePrediction> {
  const ys = new Map<string, number[]>();
  for (const c of cases) {
    const outcomes = ys.get(key(c));
    if (outcomes) outcomes.push(c.y);
    else ys.set(key(c), [c.y]);
  }
  return new Map([...ys].filter(([, v]) => v.length >= MIN_CELL).map(([k, v]) => [k, quantilesOf(v)]));
}

/**
 * The "empirical" baseline: the training outcomes' P10/P50/P90 per product × stage. What a model
 * has to beat, and a quantile predictor for testing the calibration pipeline without LightGBM.
 */
export function fitEmpiricalQuantiles(cases: readonly EmpiricalCase[]): EmpiricalQuantiles {
  if (cases.length === 0) throw new Error('the empirical baseline needs at least one training case');
  const cells = byKey(cases, (c) => c.group);
  const products = byKey(cases, (c) => c.product);
  const global = quantilesOf(cases.map((c) => c.y));
  return { predict: (c) => cells.get(c.group) ?? products.get(c.product) ?? global };
}
