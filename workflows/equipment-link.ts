import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { getExternalWorkflowHandle, log, ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { batchClock } from '../src/domain/batch/index.js';
import type { BatchRun } from './batch-run.js';
import { equipmentWorkflow, newEquipmentState } from './equipment.js';
import { equipmentAssignSignal, equipmentClockSignal, equipmentWorkflowId } from './equipment-messages.js';

const EQUIPMENT_CLOCK_PATCH = 'equipment-follows-batch-clock';

/**
 * Tells the equipment's workflow which batch it carries, so its risk changes and the excursions
 * of its own sensors reach that batch. Equipment nobody has reported on yet has no workflow: the
 * batch starts it (abandoned, so it outlives the batch) already carrying the batch. A batch taking
 * the unit also tells it its clock: on a compressed one the unit assesses itself once a day of it.
 */
export async function assignEquipment(run: BatchRun, equipmentId: string, assigned: boolean) {
  const workflowId = equipmentWorkflowId(equipmentId);
  // Batches started before units followed their clock replay without telling it.
  const clock = batchClock(run.input);
  const assessEveryMs = assigned && patched(EQUIPMENT_CLOCK_PATCH) ? clock.dayMs : undefined;
  const tell = async () => {
    const unit = getExternalWorkflowHandle(workflowId);
    await unit.signal(equipmentAssignSignal, { batchId: run.input.batchId, assigned });
    if (assessEveryMs !== undefined) await unit.signal(equipmentClockSignal, { assessEveryMs });
  };
  try {
    return await tell();
  } catch {
    if (!assigned) return log.info('equipment not followed: nothing to release', { equipmentId });
  }
  try {
    await startChild(equipmentWorkflow, {
      workflowId, parentClosePolicy: ParentClosePolicy.ABANDON, args: [{
        equipmentId, state: newEquipmentState([run.input.batchId]),
        ...(assessEveryMs === undefined || clock.realTime ? {} : { assessEveryMs, followsBatchClock: true }),
      }],
    });
  } catch (err) {
    // Ingest started it in the meantime: tell that one.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await tell();
  }
}
