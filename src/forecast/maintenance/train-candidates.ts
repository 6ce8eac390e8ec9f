import type { Database } from '../../db/client.js';
import { DAY_MS } from '../../domain/durations.js';
import type { EquipmentKind } from '../../domain/equipment.js';
import { activeModel, registerCandidate, type ModelRow } from '../registry/index.js';
import { challengeMaintenance } from './challenge.js';
import { loadEquipmentRecords } from './load-records.js';
import { fitMaintenanceModels, loadMaintenanceModels, measureMaintenanceModels, type MaintenanceMetrics } from './maintenance-model.js';
import { evaluateThresholdRule, fitThresholdRule } from './threshold-rule.js';
import { splitByDay } from './time-split.js';
import { maintenanceRows } from './training-rows.js';
import { NothingToTrainError } from '../training/nothing-to-train.js';

export interface TrainMaintenanceOptions {
  /** One pair of models per equipment kind. */
  kind: EquipmentKind;
  /** Train on real units, or on the twin's history (of one seed, if given). */
  source: 'simulated' | 'real';
  seed?: number;
  /** Use only what was known before this instant; by default everything stored. */
  until?: Date;
  /** The registry scope; the kind by default (what the worker serves). Tests use their own. */
  scope?: string;
  /** Share of the newest days held out for the metrics, 0.3 by default. */
  testShare?: number;
  rounds?: number;
}

export interface MaintenanceCandidates {
  failure: ModelRow;
  rul: ModelRow;
  metrics: MaintenanceMetrics;
}

/**
 * Loads the kind's unit-days from PostgreSQL, splits them by time, fits the "fails within 7 days"
 * and RUL models on the older days, measures them on the newer ones and registers both as
 * candidates (`equipment_failure_7d`, `equipment_rul`). Promotion is the caller's decision.
 */
export async function trainMaintenanceCandidates(db: Database, python: string, options: TrainMaintenanceOptions): Promise<MaintenanceCandidates> {
  const { kind, source, seed, until, scope = kind, testShare = 0.3 } = options;
  const records = await loadEquipmentRecords(db, { source, kind, ...(seed === undefined ? {} : { seed }), ...(until ? { until } : {}) });
  const rows = maintenanceRows(records);
  if (rows.length === 0) throw new NothingToTrainError(`No ${source} ${kind} telemetry to train on${seed === undefined ? '' : ` (seed ${seed})`}.`);
  const { train, test } = splitByDay(rows, testShare);
  const { artifacts, trainedRows } = await fitMaintenanceModels(train, python, options.rounds === undefined ? {} : { rounds: options.rounds });
  const models = loadMaintenanceModels(artifacts.failure, artifacts.rul);
  const metrics = measureMaintenanceModels(models, test);
  // Judged now against the models active now, on the days they never saw (promoteIfBetter reads it).
  const challenge = async (target: 'equipment_failure_7d' | 'equipment_rul') => {
    const active = await activeModel(db, target, scope);
    return active ? challengeMaintenance(target, models, active, test) : null;
  };
  // The baseline a model must beat, measured on the same days, kept beside the model's figures.
  const rule = fitThresholdRule(train);
  const ruleMetrics = { feature: rule.feature, threshold: rule.threshold, ...evaluateThresholdRule(rule, test) };

  const trainedFrom = new Date(train[0]!.day * DAY_MS);
  const trainedTo = new Date((train.at(-1)!.day + 1) * DAY_MS);
  const common = { scope, trainedFrom, trainedTo, features: [...artifacts.failure.featureNames] };
  const details = { source, ...(seed === undefined ? {} : { seed }), trainRows: trainedRows, cutoffDay: new Date(test[0]?.day === undefined ? 0 : test[0].day * DAY_MS).toISOString() };
  const failure = await registerCandidate(db, {
    ...common, target: 'equipment_failure_7d', artifact: artifacts.failure,
    metrics: {
      ...details, testRows: metrics.testRows, positives: metrics.positives, threshold: metrics.threshold, precision: metrics.precision, recall: metrics.recall, prAuc: metrics.prAuc,
      rule: ruleMetrics, challenge: await challenge('equipment_failure_7d'),
    },
  });
  const rul = await registerCandidate(db, { ...common, target: 'equipment_rul', artifact: artifacts.rul, metrics: { ...details, testRows: metrics.testRows, rulMae: metrics.rulMae, challenge: await challenge('equipment_rul') } });
  return { failure, rul, metrics };
}
