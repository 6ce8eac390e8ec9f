import { condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { activities } from './activities-proxy.js';
import { nowIso } from './clock.js';
import { cancelShipmentSignal, deliveredSignal, legOverdueSignal, type ShipmentInput, type ShipmentResult } from './messages.js';

/** One leg from pickup to receipt. Over its stability window it tells the batch, which raises a deviation. */
export async function shipmentWorkflow(input: ShipmentInput): Promise<ShipmentResult> {
  let deliveredAt: string | undefined;
  let cancelled = false;
  setHandler(deliveredSignal, ({ at }) => void (deliveredAt ??= at));
  setHandler(cancelShipmentSignal, () => void (cancelled = true));

  const departed = Date.now();
  await activities.createShipment({
    shipmentId: input.shipmentId, batchId: input.batchId, leg: input.leg, fromSiteId: input.fromSiteId, toSiteId: input.toSiteId,
    departedAt: new Date(departed).toISOString(), stabilityDeadline: new Date(departed + input.stabilityMs).toISOString(),
  });
  const arrived = () => deliveredAt !== undefined || cancelled;
  const inTime = await condition(arrived, input.stabilityMs);
  if (!inTime) {
    const parent = workflowInfo().parent;
    if (parent) {
      await getExternalWorkflowHandle(parent.workflowId, parent.runId)
        .signal(legOverdueSignal, { shipmentId: input.shipmentId, leg: input.leg, at: nowIso() })
        // A batch that has already closed cannot be told; the leg still ends properly.
        .catch(() => undefined);
    }
    await condition(arrived);
  }
  const state = deliveredAt !== undefined ? 'delivered' : 'cancelled';
  await activities.completeShipment({ shipmentId: input.shipmentId, state, at: deliveredAt ?? nowIso() });
  return { state, overStabilityWindow: !inTime, transitMs: Date.now() - departed };
}
