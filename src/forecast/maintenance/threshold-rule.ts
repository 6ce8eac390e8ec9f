import type { UnitFeature } from './feature-list.js';
import { averagePrecision, bestF1Threshold, precisionRecallAt, type Scored } from './ranking-metrics.js';
import type { MaintenanceRow } from './training-rows.js';

/** The signals a maintenance engineer would set an alarm on, without a model. */
export const THRESHOLD_RULE_FEATURES = ['out_of_range_minutes_1d', 'out_of_range_minutes_7d', 'max_stddev_ratio_30d'] as const satisfies readonly UnitFeature[];

export interface ThresholdRule {
  feature: (typeof THRESHOLD_RULE_FEATURES)[number];
  /** Flag the unit-day when the feature is at least this. */
  threshold: number;
  /** F1 on the rows it was fitted on. */
  trainF1: number;
}

/** The rule's score of a row: its feature, missing ranked below everything. */
export const ruleScore = (rule: Pick<ThresholdRule, 'feature'>, row: MaintenanceRow): number => row.features[rule.feature] ?? -Infinity;

/** Rows whose "fails within 7 days" is known, scored by `score`. */
export function scoredRows(rows: readonly MaintenanceRow[], score: (row: MaintenanceRow) => number): Scored[] {
  return rows.filter((r) => r.labels.failsWithin7Days !== undefined).map((r) => ({ score: score(r), positive: r.labels.failsWithin7Days === 1 }));
}

/** Picks the feature and threshold with the best F1 on `train` (ties: the earlier feature, the higher threshold). */
export function fitThresholdRule(train: readonly MaintenanceRow[]): ThresholdRule {
  let best: ThresholdRule | undefined;
  for (const feature of THRESHOLD_RULE_FEATURES) {
    const { threshold, f1 } = bestF1Threshold(scoredRows(train, (r) => ruleScore({ feature }, r)));
    if (!best || f1 > best.trainF1) best = { feature, threshold, trainF1: f1 };
  }
  return best ?? { feature: THRESHOLD_RULE_FEATURES[0], threshold: Infinity, trainF1: 0 };
}

export interface RuleEvaluation {
  precision: number;
  recall: number;
  prAuc: number;
}

export function evaluateThresholdRule(rule: ThresholdRule, rows: readonly MaintenanceRow[]): RuleEvaluation {
  const scored = scoredRows(rows, (r) => ruleScore(rule, r));
  return { ...precisionRecallAt(scored, rule.threshold), prAuc: averagePrecision(scored) };
}
