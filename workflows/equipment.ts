import { condition, continueAsNew, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  batchWorkflowId,
  equipmentAssignSignal,
  equipmentMaintenanceSignal,
  equipmentRiskSignal,
  equipmentRiskUpdateSignal,
  equipmentStatusQuery,
  excursionSignal,
  type EquipmentInput,
  type EquipmentState,
} from './messages.js';

const DEFAULT_RISK_THRESHOLD = 0.7;
/** Events handled before the run hands its state to a fresh one, keeping each history short. */
const EVENTS_PER_RUN = 500;

/** A unit V2V starts following: in service, no risk known yet, carrying `batchIds`. */
export const newEquipmentState = (batchIds: string[] = []): EquipmentState => ({
  risk: 0, riskThreshold: DEFAULT_RISK_THRESHOLD, openExcursions: [], batchIds, maintenance: 'in_service', eventsSeen: 0,
});

/**
 * A bioreactor, freezer or LN2 tank, for months. It remembers which batches it carries and tells
 * them when its failure risk crosses the threshold, in either direction.
 */
export async function equipmentWorkflow(input: EquipmentInput): Promise<never> {
  const state: EquipmentState = input.state ?? newEquipmentState();
  const outgoing: Promise<void>[] = [];
  setHandler(equipmentStatusQuery, () => state);
  setHandler(equipmentAssignSignal, ({ batchId, assigned }) => {
    state.eventsSeen++;
    state.batchIds = state.batchIds.filter((id) => id !== batchId).concat(assigned ? [batchId] : []);
  });
  setHandler(equipmentMaintenanceSignal, ({ state: maintenance }) => {
    state.eventsSeen++;
    state.maintenance = maintenance;
  });
  setHandler(equipmentRiskUpdateSignal, ({ risk, at }) => {
    state.eventsSeen++;
    const wasAbove = state.risk >= state.riskThreshold;
    state.risk = risk;
    const isAbove = risk >= state.riskThreshold;
    if (wasAbove === isAbove) return;
    const change = { equipmentId: input.equipmentId, risk, threshold: state.riskThreshold, crossed: isAbove ? 'above' : 'below', at } as const;
    for (const batchId of state.batchIds) {
      // A batch that has already ended is no longer listening; that is not the equipment's failure.
      outgoing.push(getExternalWorkflowHandle(batchWorkflowId(batchId)).signal(equipmentRiskSignal, change).catch(() => undefined));
    }
  });

  // Ingest reports excursions of the equipment's own sensors here; the batches inside it must know.
  setHandler(excursionSignal, (change) => {
    state.eventsSeen++;
    state.openExcursions = state.openExcursions.filter((id) => id !== change.excursionId).concat(change.change === 'opened' ? [change.excursionId] : []);
    for (const batchId of state.batchIds) {
      outgoing.push(getExternalWorkflowHandle(batchWorkflowId(batchId)).signal(excursionSignal, change).catch(() => undefined));
    }
  });

  await condition(() => state.eventsSeen >= EVENTS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await Promise.all(outgoing);
  return continueAsNew<typeof equipmentWorkflow>({ equipmentId: input.equipmentId, state: { ...state, eventsSeen: 0 } });
}
