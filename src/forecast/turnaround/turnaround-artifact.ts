import type { Stage } from '../../domain/stages.js';
import type { Calibration } from '../conformal/index.js';
import type { FeatureName, FeatureRow, FeatureSpec, TargetName } from '../features/index.js';

/**
 * A fitted turnaround model as it is stored: plain JSON, so the registry can keep it in a row and
 * the worker can serve it without Python. Three LightGBM quantile dumps and their CQR corrections.
 */
export interface TurnaroundArtifact {
  target: TargetName;
  spec: FeatureSpec;
  featureNames: readonly FeatureName[];
  models: { p10: unknown; p50: unknown; p90: unknown };
  /** Conformal corrections per product × stage cell (`turnaroundCell`), with a global fallback. */
  calibration: Calibration;
  trainedOn: { from: string; to: string; rows: number };
}

/** The cell a forecast is calibrated and reported in. */
export const turnaroundCell = (productId: string, stage: Stage | string) => `${productId} × ${stage}`;

/** A feature row in the model's column order; missing (null) becomes NaN, LightGBM's missing. */
export function featureVector(featureNames: readonly FeatureName[], row: FeatureRow): Float64Array {
  const vector = new Float64Array(featureNames.length);
  for (let i = 0; i < featureNames.length; i++) vector[i] = row[featureNames[i]!] ?? NaN;
  return vector;
}
