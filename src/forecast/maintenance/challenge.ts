import { DAY_MS } from '../../domain/durations.js';
import type { ModelRow } from '../registry/index.js';
import type { Challenge } from '../training/index.js';
import { loadBooster } from '../lightgbm/booster.js';
import { predictFailure, predictRul, type FailureArtifact, type MaintenanceModels, type RulArtifact } from './maintenance-model.js';
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
    const artifact = active.artifact as FailureArtifact;
    const theirs = { failure: Object.assign(loadBooster(artifact.dump), { threshold: artifact.threshold }) };
    const labelled = unseen.filter((r) => r.labels.failsWithin7Days !== undefined);
    const brier = (models: Pick<MaintenanceModels, 'failure'>) => mean(labelled.map((r) => (predictFailure(models, r.features) - r.labels.failsWithin7Days!) ** 2));
    return { ...base, metric: 'Brier score of fails-within-7-days', cases: labelled.length, candidate: brier(candidate), active: brier(theirs) };
  }
  const theirs = { rul: loadBooster((active.artifact as RulArtifact).dump) };
  const labelled = unseen.filter((r) => r.labels.rulDays !== undefined);
  const mae = (models: Pick<MaintenanceModels, 'rul'>) => mean(labelled.map((r) => Math.abs(predictRul(models, r.features) - r.labels.rulDays!)));
  return { ...base, metric: 'RUL MAE (days)', cases: labelled.length, candidate: mae(candidate), active: mae(theirs) };
}

const mean = (values: readonly number[]) => (values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length);
