import { loadBooster, type Booster } from '../lightgbm/booster.js';
import { trainLightGbm, type TrainerSpec } from '../trainer/run-trainer.js';
import { MAINTENANCE_FEATURES, type MaintenanceFeatureRow } from './feature-list.js';
import { RUL_CAP_DAYS } from './labels.js';
import { averagePrecision, bestF1Threshold, precisionRecallAt } from './ranking-metrics.js';
import { scoredRows } from './threshold-rule.js';
import { splitByDay } from './time-split.js';
import type { MaintenanceRow } from './training-rows.js';
import { NothingToTrainError } from '../training/nothing-to-train.js';

/** What the registry stores for the "fails within 7 days" model: the dump and its operating threshold. */
export interface FailureArtifact {
  featureNames: readonly string[];
  dump: unknown;
  /** Flag (open a ticket) at or above this probability; chosen for the best F1 on the days after the fit. */
  threshold: number;
}
export interface RulArtifact {
  featureNames: readonly string[];
  dump: unknown;
}

export interface MaintenanceModels {
  failure: Booster & { threshold: number };
  rul: Booster;
}

/** The row in the model's column order, a missing feature as NaN (what LightGBM saw in training). */
export const featureVector = (features: MaintenanceFeatureRow, names: readonly string[] = MAINTENANCE_FEATURES): number[] =>
  names.map((name) => features[name as keyof MaintenanceFeatureRow] ?? Number.NaN);

export const loadMaintenanceModels = (failure: FailureArtifact, rul: RulArtifact): MaintenanceModels => ({
  failure: Object.assign(loadBooster(failure.dump), { threshold: failure.threshold }),
  rul: loadBooster(rul.dump),
});

export const predictFailure = (models: Pick<MaintenanceModels, 'failure'>, features: MaintenanceFeatureRow): number =>
  models.failure.predict(featureVector(features, models.failure.featureNames));

/** Days, within [0, RUL_CAP_DAYS]: a regression tree can stray outside the labels' range by a little. */
export const predictRul = (models: Pick<MaintenanceModels, 'rul'>, features: MaintenanceFeatureRow): number =>
  Math.min(RUL_CAP_DAYS, Math.max(0, models.rul.predict(featureVector(features, models.rul.featureNames))));

// Failures are rare (about 1 unit-day in 100): small leaves, so the few positive days can form one.
const PARAMS = {
  learning_rate: 0.05, num_leaves: 15, min_data_in_leaf: 10, feature_fraction: 0.8, bagging_fraction: 0.8, bagging_freq: 1, seed: 7, num_threads: 1,
};
const ROUNDS = 200;
/** Used when the days after the fit hold no failure to choose a threshold with. */
const DEFAULT_THRESHOLD = 0.5;

/**
 * Fits both models on the older 80 % of `train`'s days and picks the failure model's operating
 * threshold on the newer 20 % (a threshold chosen on the fitted days would trust the fit too much).
 * Rows whose label is censored are left out of that target only (docs/maintenance.md).
 */
export async function fitMaintenanceModels(train: readonly MaintenanceRow[], python: string, options: { rounds?: number } = {}) {
  const { train: fit, test: tune } = splitByDay(train, 0.2);
  const features = MAINTENANCE_FEATURES;
  const matrix = (rows: readonly MaintenanceRow[], label: (r: MaintenanceRow) => number | undefined) => {
    const labelled = rows.filter((r) => label(r) !== undefined);
    return { columns: [...features, 'label'], rows: labelled.map((r) => [...featureVector(r.features, features), label(r)!]) };
  };
  const spec = (objective: TrainerSpec['objective']): TrainerSpec => ({ objective, label: 'label', features, numBoostRound: options.rounds ?? ROUNDS, params: PARAMS });
  const failureRows = matrix(fit, (r) => r.labels.failsWithin7Days);
  const rulRows = matrix(fit, (r) => r.labels.rulDays);
  if (failureRows.rows.length === 0 || rulRows.rows.length === 0) throw new NothingToTrainError('Too little labelled equipment history to train on: no unit-day with a known outcome.');
  const [failure, rul] = await Promise.all([trainLightGbm(python, failureRows, spec('binary')), trainLightGbm(python, rulRows, spec('regression'))]);

  const booster = loadBooster(failure.dump);
  const { threshold } = bestF1Threshold(scoredRows(tune, (r) => booster.predict(featureVector(r.features, features))));
  const artifacts = {
    failure: { featureNames: features, dump: failure.dump, threshold: Number.isFinite(threshold) ? threshold : DEFAULT_THRESHOLD } satisfies FailureArtifact,
    rul: { featureNames: features, dump: rul.dump } satisfies RulArtifact,
  };
  return { artifacts, trainedRows: { failure: failureRows.rows.length, rul: rulRows.rows.length } };
}

export interface MaintenanceMetrics {
  testRows: number;
  /** Test unit-days with a known outcome that failed within 7 days. */
  positives: number;
  threshold: number;
  precision: number;
  recall: number;
  prAuc: number;
  /** Mean absolute error of the RUL in days, over test rows whose RUL is known (capped at 60). */
  rulMae: number;
}

/** The figures the registry keeps with each candidate, measured on the newer (test) days. */
export function measureMaintenanceModels(models: MaintenanceModels, test: readonly MaintenanceRow[]): MaintenanceMetrics {
  const scored = scoredRows(test, (r) => predictFailure(models, r.features));
  const withRul = test.filter((r) => r.labels.rulDays !== undefined);
  const rulMae = withRul.reduce((s, r) => s + Math.abs(predictRul(models, r.features) - r.labels.rulDays!), 0) / Math.max(1, withRul.length);
  const { precision, recall } = precisionRecallAt(scored, models.failure.threshold);
  return {
    testRows: test.length, positives: scored.filter((s) => s.positive).length, threshold: models.failure.threshold,
    precision, recall, prAuc: averagePrecision(scored), rulMae,
  };
}
