import { applyCalibration, nonCrossing, type QuantilePrediction } from '../conformal/index.js';
import type { FeatureRow } from '../features/index.js';
import { loadBooster, type Booster } from '../lightgbm/booster.js';
import { predictQuantiles, type QuantileModels } from '../lightgbm/predict-quantiles.js';
import { featureVector, type TurnaroundArtifact } from './turnaround-artifact.js';

// Compiling the trees takes milliseconds, a prediction microseconds: compile once per artifact.
const compiled = new WeakMap<TurnaroundArtifact, QuantileModels>();

function modelsOf(artifact: TurnaroundArtifact): QuantileModels {
  let models = compiled.get(artifact);
  if (!models) {
    const load = (dump: unknown): Booster => loadBooster(dump);
    models = { p10: load(artifact.models.p10), p50: load(artifact.models.p50), p90: load(artifact.models.p90) };
    compiled.set(artifact, models);
  }
  return models;
}

/** The three quantile models' answer in days, sorted, before the conformal correction. */
export function rawTurnaround(artifact: TurnaroundArtifact, row: FeatureRow): QuantilePrediction {
  return nonCrossing(predictQuantiles(modelsOf(artifact), featureVector(artifact.featureNames, row)));
}

/**
 * Calibrated P10/P50/P90 in days from the landmark, for a batch in `cell` (turnaroundCell). A
 * duration is never negative, so the calibrated P10 is floored at 0 (which can only add coverage).
 */
export function predictTurnaround(artifact: TurnaroundArtifact, row: FeatureRow, cell: string): QuantilePrediction {
  const p = applyCalibration(artifact.calibration, rawTurnaround(artifact, row), cell);
  return nonCrossing({ p10: Math.max(0, p.p10), p50: Math.max(0, p.p50), p90: Math.max(0, p.p90) });
}
