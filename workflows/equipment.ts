import { condition, continueAsNew, getExternalWorkflowHandle, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { EquipmentActivities } from '../activities/equipment-types.js';
import {
  DEFAULT_ASSESS_EVERY_MS,
  equipmentAssignSignal,
  equipmentClockSignal,
  equipmentMaintenanceSignal,
  equipmentRiskUpdateSignal,
  equipmentStatusQuery,
  type EquipmentState,
  type EquipmentWorkflowInput,
} from './equipment-messages.js';
import { batchWorkflowId, equipmentRiskSignal, excursionSignal } from './messages.js';

const DEFAULT_RISK_THRESHOLD = 0.7;
/** Events handled before the run hands its state to a fresh one, keeping each history short. */
const EVENTS_PER_RUN = 500;
const SCHEDULED_ASSESSMENT_PATCH = 'equipment-scheduled-assessment';

// A missed assessment is not worth wedging the unit for: a few quick tries, then the next one is due.
const { assessEquipment } = proxyActivities<EquipmentActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/** A unit V2V starts following: in service, no risk known yet, carrying `batchIds`. */
export const newEquipmentState = (batchIds: string[] = []): EquipmentState => ({
  risk: 0, riskThreshold: DEFAULT_RISK_THRESHOLD, openExcursions: [], batchIds, maintenance: 'in_service', eventsSeen: 0,
});

/**
 * A bioreactor, freezer or LN2 tank, for months. It remembers which batches it carries, assesses
 * its own failure risk on a schedule (every `assessEveryMs`, daily by default) and tells the
 * batches when that risk, or one reported by signal, crosses the threshold, in either direction.
 */
export async function equipmentWorkflow(input: EquipmentWorkflowInput): Promise<never> {
  const state: EquipmentState = input.state ?? newEquipmentState();
  let every = input.assessEveryMs ?? DEFAULT_ASSESS_EVERY_MS;
  let clockChanged = false;
  let followsBatchClock = input.followsBatchClock ?? false;
  let nextAssessmentAt = input.nextAssessmentAt ?? Date.now() + every;
  const outgoing: Promise<void>[] = [];
  setHandler(equipmentStatusQuery, () => state);
  setHandler(equipmentAssignSignal, ({ batchId, assigned }) => {
    state.eventsSeen++;
    state.batchIds = state.batchIds.filter((id) => id !== batchId).concat(assigned ? [batchId] : []);
    // The last batch on a compressed clock has left: the unit is assessed daily again.
    if (followsBatchClock && state.batchIds.length === 0) {
      followsBatchClock = false;
      every = DEFAULT_ASSESS_EVERY_MS;
    }
  });
  setHandler(equipmentMaintenanceSignal, ({ state: maintenance }) => {
    state.eventsSeen++;
    state.maintenance = maintenance;
  });
  setHandler(equipmentClockSignal, ({ assessEveryMs }) => {
    if (!(assessEveryMs > 0) || assessEveryMs === every) return;
    state.eventsSeen++;
    every = assessEveryMs;
    followsBatchClock = every !== DEFAULT_ASSESS_EVERY_MS;
    // The next assessment comes no later than one new interval from now.
    nextAssessmentAt = Math.min(nextAssessmentAt, Date.now() + every);
    clockChanged = true;
  });
  /** The one path a new risk takes, from a signal or from an assessment (which brings its model's threshold). */
  const updateRisk = (risk: number, at: string, threshold = state.riskThreshold) => {
    const wasAbove = state.risk >= state.riskThreshold;
    state.risk = risk;
    state.riskThreshold = threshold;
    const isAbove = risk >= state.riskThreshold;
    if (wasAbove === isAbove) return;
    const change = { equipmentId: input.equipmentId, risk, threshold: state.riskThreshold, crossed: isAbove ? 'above' : 'below', at } as const;
    for (const batchId of state.batchIds) {
      // A batch that has already ended is no longer listening; that is not the equipment's failure.
      outgoing.push(getExternalWorkflowHandle(batchWorkflowId(batchId)).signal(equipmentRiskSignal, change).catch(() => undefined));
    }
  };
  setHandler(equipmentRiskUpdateSignal, ({ risk, at }) => {
    state.eventsSeen++;
    updateRisk(risk, at);
  });

  // Ingest reports excursions of the equipment's own sensors here; the batches inside it must know.
  setHandler(excursionSignal, (change) => {
    state.eventsSeen++;
    state.openExcursions = state.openExcursions.filter((id) => id !== change.excursionId).concat(change.change === 'opened' ? [change.excursionId] : []);
    for (const batchId of state.batchIds) {
      outgoing.push(getExternalWorkflowHandle(batchWorkflowId(batchId)).signal(excursionSignal, change).catch(() => undefined));
    }
  });

  const runIsLong = () => state.eventsSeen >= EVENTS_PER_RUN || workflowInfo().continueAsNewSuggested;
  // Runs started before units assessed themselves replay without the timer; their next run has it.
  const assesses = patched(SCHEDULED_ASSESSMENT_PATCH);
  if (!assesses) await condition(runIsLong);
  while (assesses && !runIsLong()) {
    if (await condition(() => runIsLong() || clockChanged, Math.max(1, nextAssessmentAt - Date.now()))) {
      if (runIsLong()) break;
      clockChanged = false;
      continue;
    }
    const at = new Date(nextAssessmentAt).toISOString();
    // A worker that was away for days runs one assessment, not one per missed interval.
    while (nextAssessmentAt <= Date.now()) nextAssessmentAt += every;
    state.eventsSeen++;
    try {
      // A day of features lasts as long as a day of the clock the unit runs on.
      const assessment = await assessEquipment({ equipmentId: input.equipmentId, at, ...(every === DEFAULT_ASSESS_EVERY_MS ? {} : { dayMs: every }) });
      updateRisk(assessment.failureProbability7d, at, assessment.threshold);
    } catch (err) {
      log.warn('equipment assessment failed; the next one is due on schedule', { equipmentId: input.equipmentId, at, error: String(err) });
    }
  }
  await Promise.all(outgoing);
  return continueAsNew<typeof equipmentWorkflow>({
    equipmentId: input.equipmentId, state: { ...state, eventsSeen: 0 }, assessEveryMs: every, nextAssessmentAt, ...(followsBatchClock ? { followsBatchClock } : {}),
  });
}
