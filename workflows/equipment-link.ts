import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { getExternalWorkflowHandle, log, ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { BatchRun } from './batch-run.js';
import { equipmentWorkflow, newEquipmentState } from './equipment.js';
import { equipmentAssignSignal, equipmentWorkflowId } from './messages.js';

/**
 * Tells the equipment's workflow which batch it carries, so its risk changes and the excursions
 * of its own sensors reach that batch. Equipment nobody has reported on yet has no workflow: the
 * batch starts it (abandoned, so it outlives the batch) already carrying the batch.
 */
export async function assignEquipment(run: BatchRun, equipmentId: string, assigned: boolean) {
  const workflowId = equipmentWorkflowId(equipmentId);
  const tell = () => getExternalWorkflowHandle(workflowId).signal(equipmentAssignSignal, { batchId: run.input.batchId, assigned });
  try {
    return await tell();
  } catch {
    if (!assigned) return log.info('equipment not followed: nothing to release', { equipmentId });
  }
  try {
    await startChild(equipmentWorkflow, {
      workflowId, parentClosePolicy: ParentClosePolicy.ABANDON, args: [{ equipmentId, state: newEquipmentState([run.input.batchId]) }],
    });
  } catch (err) {
    // Ingest started it in the meantime: tell that one.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await tell();
  }
}
