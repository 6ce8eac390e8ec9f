import { getExternalWorkflowHandle } from '@temporalio/workflow';
import type { BatchState } from './batch-state.js';
import { equipmentAssignSignal, equipmentWorkflowId } from './messages.js';

/** Tells the equipment's workflow which batch it carries, so its risk changes reach that batch. */
export async function assignEquipment(b: BatchState, equipmentId: string, assigned: boolean) {
  try {
    await getExternalWorkflowHandle(equipmentWorkflowId(equipmentId)).signal(equipmentAssignSignal, { batchId: b.input.batchId, assigned });
  } catch {
    // Equipment that V2V does not track yet has no workflow: the batch goes on without its risk signals.
    b.note('equipment-untracked', equipmentId);
  }
}
