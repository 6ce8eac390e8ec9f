import { and, eq, inArray } from 'drizzle-orm';
import { shipments } from '../src/db/schema/index.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput, parseInstant } from './failures.js';
import type { BatchActivities } from './types.js';

type ShipmentActivities = Pick<BatchActivities, 'createShipment' | 'completeShipment' | 'cancelOpenShipments'>;

const OPEN = ['planned', 'in_transit'] as const;

/** Shipment legs; the workflow's shipment id is the row's id, which makes every write idempotent. */
export function shipmentActivities({ db }: ActivityDeps): ShipmentActivities {
  return {
    async createShipment(input) {
      await db
        .insert(shipments)
        .values({
          id: input.shipmentId,
          batchId: input.batchId,
          leg: input.leg,
          fromSiteId: input.fromSiteId,
          toSiteId: input.toSiteId,
          // The workflow creates the leg at pickup: it is in transit from the first moment.
          state: 'in_transit',
          departedAt: parseInstant(input.departedAt, 'departedAt'),
          stabilityDeadline: parseInstant(input.stabilityDeadline, 'stabilityDeadline'),
        })
        .onConflictDoNothing({ target: shipments.id });
    },

    async completeShipment({ shipmentId, state, at }) {
      const when = parseInstant(at, 'at');
      // Only an open leg changes: a retry finds it already delivered or cancelled and leaves it.
      const changed = await db
        .update(shipments)
        .set(state === 'delivered' ? { state, deliveredAt: when } : { state, cancelledAt: when })
        .where(and(eq(shipments.id, shipmentId), inArray(shipments.state, OPEN)))
        .returning({ id: shipments.id });
      if (changed.length > 0) return;
      const [known] = await db.select({ id: shipments.id }).from(shipments).where(eq(shipments.id, shipmentId));
      if (!known) throw invalidInput(`Shipment ${shipmentId} does not exist.`);
    },

    async cancelOpenShipments({ batchId, at }) {
      await db
        .update(shipments)
        .set({ state: 'cancelled', cancelledAt: parseInstant(at, 'at') })
        .where(and(eq(shipments.batchId, batchId), inArray(shipments.state, OPEN)));
    },
  };
}
