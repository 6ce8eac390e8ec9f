import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { BatchRun } from './batch-run.js';
import { equipmentAssignSignal, equipmentWorkflowId } from './messages.js';

/** Tells the equipment's workflow which batch it carries, so its risk changes reach that batch. */
export async function assignEquipment(run: BatchRun, equipmentId: string, assigned: boolean) {
  try {
    await getExternalWorkflowHandle(equipmentWorkflowId(equipmentId)).signal(equipmentAssignSignal, { batchId: run.input.batchId, assigned });
  } catch {
    // Equipment that V2V does not track yet has no workflow: the batch goes on without its risk signals.
    log.info('equipment untracked', { equipmentId });
  }
}
