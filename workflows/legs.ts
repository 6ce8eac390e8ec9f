import { startChild, uuid4 } from '@temporalio/workflow';
import type { BatchState } from './batch-state.js';
import { nowIso, scaledMs } from './clock.js';
import { cancelShipmentSignal, deliveredSignal, shipmentWorkflowId } from './messages.js';
import { shipmentWorkflow } from './shipment.js';

type Leg = 'outbound' | 'return';

/** A shipment leg is its own child workflow (`shipment:{id}`), watching its stability window. */
export async function startLeg(b: BatchState, leg: Leg) {
  const { input } = b;
  const shipmentId = uuid4();
  const [fromSiteId, toSiteId] = leg === 'outbound' ? [input.apheresisCenterId, input.facilityId] : [input.facilityId, input.treatmentCenterId];
  const stabilityMs = scaledMs(input.profile.legs[leg].stabilityHours, input.timeScale);
  const handle = await startChild(shipmentWorkflow, {
    workflowId: shipmentWorkflowId(shipmentId),
    args: [{ shipmentId, batchId: input.batchId, leg, fromSiteId, toSiteId, stabilityMs }],
  });
  b.legs.set(shipmentId, handle);
  b.shipments.push({ shipmentId, leg, state: 'in_transit' });
  return shipmentId;
}

export async function finishLeg(b: BatchState, shipmentId: string) {
  const handle = b.legs.get(shipmentId)!;
  await handle.signal(deliveredSignal, { at: nowIso() });
  const result = await handle.result();
  b.legs.delete(shipmentId);
  b.shipments.find((s) => s.shipmentId === shipmentId)!.state = result.state;
}

/** Cancellation: every leg still moving is told to stop. */
export async function cancelOpenLegs(b: BatchState) {
  for (const [shipmentId, handle] of b.legs) {
    await handle.signal(cancelShipmentSignal);
    await handle.result();
    b.legs.delete(shipmentId);
    b.shipments.find((s) => s.shipmentId === shipmentId)!.state = 'cancelled';
  }
}
