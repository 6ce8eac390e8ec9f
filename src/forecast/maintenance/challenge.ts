import { DAY_MS } from '../../domain/profile.js';
import type { ModelRow } from '../registry/index.js';
import type { Challenge } from '../training/index.js';
import { loadBooster } from '../lightgbm/booster.js';
import { featureVector, predictFailure, predictRul, type FailureArtifact, type MaintenanceModels, type RulArtifact } from './maintenance-model.js';
import { RUL_CAP_DAYS } from './labels.js';
import type { MaintenanceRow } from './training-rows.js';

type MaintenanceTarget = 'equipment_failure_7d' | 'equipment_rul';

/**
 * A maintenance candidate against the model active when it was trained, on the held-out days after
 * the active model's training window (it never saw them): the Brier score of "fails within 7 days"
 * (a proper score, so a model cannot win by shading its probabilities) or the RUL's mean absolute
 * error in days. Lower wins, as for turnaround's pinball (promotion-rule.ts).
 */
export function challengeMaintenance(target: MaintenanceTarget, candidate: MaintenanceModels, active: Pick<ModelRow, 'id' | 'trainedTo' | 'artifact'>, test: readonly MaintenanceRow[]): Challenge {
  const unseen = test.filter((r) => r.day * DAY_MS >= active.trainedTo.getTime());
  const base = { against: active.id, unseenAfter: active.trainedTo.toISOString() };
  if (target === 'equipment_failure_7d') {
    const theirs = loadBooster((active.artifact as FailureArtifact).dump);
    const labelled = unseen.filter((r) => r.labels.failsWithin7Days !== undefined);
    const brier = (p: (r: MaintenanceRow) => number) => mean(labelled.map((r) => (p(r) - r.labels.failsWithin7Days!) ** 2));
    return {
      ...base, metric: 'Brier score of fails-within-7-days', cases: labelled.length,
      candidate: brier((r) => predictFailure(candidate, r.features)),
      active: brier((r) => theirs.predict(featureVector(r.features, (active.artifact as FailureArtifact).featureNames))),
    };
  }
  const theirs = loadBooster((active.artifact as RulArtifact).dump);
  const labelled = unseen.filter((r) => r.labels.rulDays !== undefined);
  const mae = (p: (r: MaintenanceRow) => number) => mean(labelled.map((r) => Math.abs(p(r) - r.labels.rulDays!)));
  const clamp = (days: number) => Math.min(RUL_CAP_DAYS, Math.max(0, days));
  return {
    ...base, metric: 'RUL MAE (days)', cases: labelled.length,
    candidate: mae((r) => predictRul(candidate, r.features)),
    active: mae((r) => clamp(theirs.predict(featureVector(r.features, (active.artifact as RulArtifact).featureNames)))),
  };
}

const mean = (values: readonly number[]) => (values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length);
