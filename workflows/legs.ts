import { log, startChild } from '@temporalio/workflow';
import type { JourneyEvent } from '../src/domain/batch/index.js';
import type { BatchRun } from './batch-run.js';
import { nowIso } from './clock.js';
import { cancelShipmentSignal, deliveredSignal, shipmentWorkflowId } from './messages.js';
import { shipmentWorkflow } from './shipment.js';

/** A shipment leg is its own child workflow (`shipment:{id}`), watching its stability window. */
export async function startLeg(run: BatchRun, e: Extract<JourneyEvent, { type: 'leg-started' }>, stabilityMs: number) {
  const { shipmentId, leg, fromSiteId, toSiteId } = e;
  const handle = await startChild(shipmentWorkflow, {
    workflowId: shipmentWorkflowId(shipmentId),
    args: [{ shipmentId, batchId: run.input.batchId, leg, fromSiteId, toSiteId, stabilityMs }],
  });
  run.legs.set(shipmentId, handle);
}

export async function finishLeg(run: BatchRun, shipmentId: string) {
  const handle = run.legs.get(shipmentId);
  if (!handle) return log.warn('no running leg to deliver', { shipmentId });
  await handle.signal(deliveredSignal, { at: nowIso() });
  await handle.result();
  run.legs.delete(shipmentId);
}

/** Cancellation: every leg still moving is told to stop. */
export async function cancelLegs(run: BatchRun, shipmentIds: string[]) {
  for (const shipmentId of shipmentIds) {
    const handle = run.legs.get(shipmentId);
    if (!handle) continue;
    await handle.signal(cancelShipmentSignal);
    await handle.result();
    run.legs.delete(shipmentId);
  }
}
