import { DAY_MS } from '../../domain/durations.js';
import type { FleetWear } from '../../domain/equipment-wear.js';
import { averagePrecision, baseRate, bestF1Threshold, precisionRecallAt } from './ranking-metrics.js';
import { evaluateThresholdRule, fitThresholdRule, scoredRows, type RuleEvaluation, type ThresholdRule } from './threshold-rule.js';
import { splitByDay } from './time-split.js';
import { maintenanceRows, type MaintenanceRow } from './training-rows.js';
import { twinFailureProbability } from './twin-hazard.js';
import { unitHistories, type EquipmentRecords } from './unit-history.js';

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

/** The records of one history and the span it covers (a twin run is one). */
type EquipmentHistory = EquipmentRecords & { startAt: string; endAt: string };

/**
 * The "Measure" figures for maintenance on one twin history: time-ordered split, the threshold rule
 * fitted on the older days, both it and the twin's hazard scored on the newer days. The twin's
 * wear parameters are the caller's to pass (the scenario's), as the ground truth to rank against.
 */
export function evaluateMaintenanceBaselines(result: EquipmentHistory, wear?: FleetWear, testShare = 0.3): MaintenanceBaselines {
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
  if (wear) out.twinHazard = twinHazardEvaluation(result, wear, train, test);
  return out;
}

function twinHazardEvaluation(result: EquipmentHistory, wear: FleetWear, train: MaintenanceRow[], test: MaintenanceRow[]) {
  const histories = unitHistories(result);
  const start = Date.parse(result.startAt);
  const hazard = (r: MaintenanceRow) => twinFailureProbability(histories.get(r.equipmentId)!, wear, start, (r.day + 1) * DAY_MS);
  // The probability's own cut-off is chosen on the training days, as the rule's is.
  const { threshold } = bestF1Threshold(scoredRows(train, hazard));
  const scored = scoredRows(test, hazard);
  return { ...precisionRecallAt(scored, threshold), prAuc: averagePrecision(scored), threshold };
}
