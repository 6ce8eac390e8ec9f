import { type ChildWorkflowHandle, startChild, uuid4 } from '@temporalio/workflow';
import type { BatchState } from './batch-state.js';
import { nowIso, scaledMs } from './clock.js';
import { cancelShipmentSignal, deliveredSignal, shipmentWorkflowId } from './messages.js';
import { shipmentWorkflow } from './shipment.js';

type Leg = 'outbound' | 'return';
const running = new WeakMap<BatchState, Map<string, ChildWorkflowHandle<typeof shipmentWorkflow>>>();

function legsOf(b: BatchState) {
  let legs = running.get(b);
  if (!legs) running.set(b, (legs = new Map()));
  return legs;
}

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
  legsOf(b).set(shipmentId, handle);
  b.shipments.push({ shipmentId, leg, state: 'in_transit' });
  return shipmentId;
}

export async function finishLeg(b: BatchState, shipmentId: string) {
  const handle = legsOf(b).get(shipmentId)!;
  await handle.signal(deliveredSignal, { at: nowIso() });
  const result = await handle.result();
  legsOf(b).delete(shipmentId);
  b.shipments.find((s) => s.shipmentId === shipmentId)!.state = result.state;
}

/** Cancellation: every leg still moving is told to stop. */
export async function cancelOpenLegs(b: BatchState) {
  for (const [shipmentId, handle] of legsOf(b)) {
    await handle.signal(cancelShipmentSignal);
    await handle.result();
    legsOf(b).delete(shipmentId);
    b.shipments.find((s) => s.shipmentId === shipmentId)!.state = 'cancelled';
  }
}
