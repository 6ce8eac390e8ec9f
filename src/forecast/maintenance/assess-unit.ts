import { unitDayFeatures } from './daily-features.js';
import type { MaintenanceFeatureRow } from './feature-list.js';
import { predictFailure, predictRul, type MaintenanceModels } from './maintenance-model.js';
import type { ThresholdRule } from './threshold-rule.js';
import type { UnitHistory } from './unit-history.js';

export const ASSESSMENT_METHODS = ['model', 'threshold-rule'] as const;
export type AssessmentMethod = (typeof ASSESSMENT_METHODS)[number];

/**
 * The rule served while no model is active for a kind: noise at least 1.45× the unit's own 30-day
 * median, the rule fitted on the twin's baseline histories (docs/maintenance.md, measured precision
 * 0.75–1.0). Its "probability" is that precision when it fires and about the base rate when it does not.
 */
export const FALLBACK_RULE = {
  rule: { feature: 'max_stddev_ratio_30d', threshold: 1.45 } satisfies Pick<ThresholdRule, 'feature' | 'threshold'>,
  probabilityWhenFlagged: 0.85,
  probabilityOtherwise: 0.01,
  threshold: 0.5,
} as const;

export interface UnitAssessment {
  failureProbability7d: number;
  /** Days; null when no RUL model is serving (the rule does not estimate one). */
  rulDays: number | null;
  method: AssessmentMethod;
  /** The operating threshold: at or above it the unit gets a maintenance ticket. */
  threshold: number;
  features: MaintenanceFeatureRow;
}

/**
 * A unit as of the end of `day`, from the same feature function training uses: the served models
 * when there are, the fallback rule when there are not (and `method` says which).
 */
export function assessUnitDay(history: UnitHistory, day: number, models?: MaintenanceModels, dayMs?: number): UnitAssessment {
  const features = unitDayFeatures(history, day, dayMs);
  if (models) {
    return { failureProbability7d: predictFailure(models, features), rulDays: predictRul(models, features), method: 'model', threshold: models.failure.threshold, features };
  }
  const { rule, probabilityWhenFlagged, probabilityOtherwise, threshold } = FALLBACK_RULE;
  const flagged = (features[rule.feature] ?? -Infinity) >= rule.threshold;
  return { failureProbability7d: flagged ? probabilityWhenFlagged : probabilityOtherwise, rulDays: null, method: 'threshold-rule', threshold, features };
}
