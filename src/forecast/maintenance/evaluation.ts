import { DAY_MS } from '../../domain/profile.js';
import type { SimulationResult } from '../../sim/records.js';
import type { EquipmentParameters } from '../../sim/scenario/equipment-parameters.js';
import { averagePrecision, baseRate, bestF1Threshold, precisionRecallAt } from './ranking-metrics.js';
import { evaluateThresholdRule, fitThresholdRule, scoredRows, type RuleEvaluation, type ThresholdRule } from './threshold-rule.js';
import { splitByDay } from './time-split.js';
import { maintenanceRows, type MaintenanceRow } from './training-rows.js';
import { twinFailureProbability } from './twin-hazard.js';
import { unitHistories } from './unit-history.js';

export interface MaintenanceBaselines {
  trainRows: number;
  testRows: number;
  /** Share of labelled test unit-days followed by a failure within 7 days: the PR-AUC of a random score. */
  testBaseRate: number;
  rule: ThresholdRule;
  thresholdRule: RuleEvaluation;
  /** The twin's own 7-day failure probability, ranked the same way (absent without the scenario's parameters). */
  twinHazard?: RuleEvaluation & { threshold: number };
}

/**
 * The "Measure" figures for maintenance on one twin history: time-ordered split, the threshold rule
 * fitted on the older days, both it and the twin's hazard scored on the newer days.
 */
export function evaluateMaintenanceBaselines(result: SimulationResult, params?: EquipmentParameters, testShare = 0.3): MaintenanceBaselines {
  const rows = maintenanceRows(result);
  const { train, test } = splitByDay(rows, testShare);
  const rule = fitThresholdRule(train);
  const out: MaintenanceBaselines = {
    trainRows: train.length,
    testRows: test.length,
    testBaseRate: baseRate(scoredRows(test, () => 0)),
    rule,
    thresholdRule: evaluateThresholdRule(rule, test),
  };
  if (params) out.twinHazard = twinHazardEvaluation(result, params, train, test);
  return out;
}

function twinHazardEvaluation(result: SimulationResult, params: EquipmentParameters, train: MaintenanceRow[], test: MaintenanceRow[]) {
  const histories = unitHistories(result);
  const start = Date.parse(result.startAt);
  const hazard = (r: MaintenanceRow) => twinFailureProbability(histories.get(r.equipmentId)!, params, start, (r.day + 1) * DAY_MS);
  // The probability's own cut-off is chosen on the training days, as the rule's is.
  const { threshold } = bestF1Threshold(scoredRows(train, hazard));
  const scored = scoredRows(test, hazard);
  return { ...precisionRecallAt(scored, threshold), prAuc: averagePrecision(scored), threshold };
}
