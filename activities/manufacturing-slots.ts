import { and, eq } from 'drizzle-orm';
import { equipment, maintenanceTickets, manufacturingSlots, sites } from '../src/db/schema/index.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput, lockBatch, parseInstant, slotTaken } from './failures.js';
import { insertSlotOnAnyLine } from '../src/planning/capacity/book-chain.js';
import type { BatchActivities } from './types.js';

type SlotActivities = Pick<BatchActivities, 'reserveManufacturingSlot' | 'releaseManufacturingSlot'>;

/**
 * A facility makes one batch per line at a time. The exclusion constraint
 * `manufacturing_slots_no_overlap` is the arbiter, not a read-then-write check: two workers
 * reserving at once cannot both win a line, whatever they read before. Reservations at one facility
 * take turns (insertSlotOnAnyLine, as the chains' lines do), so they do not deadlock on it under load. Idempotent by batch, with
 * no key of its own: a batch holds at most one reserved slot, and asking again returns it.
 */
export function manufacturingSlotActivities({ db, afterCapacityReleased }: ActivityDeps): SlotActivities {
  return {
    async reserveManufacturingSlot({ batchId, facilityId, from, to }) {
      const start = parseInstant(from, 'from');
      const end = parseInstant(to, 'to');
      if (end <= start) throw invalidInput(`A manufacturing slot must end after it starts (${from} → ${to}).`);
      const during = `[${start.toISOString()},${end.toISOString()})`;

      return db.transaction(async (tx) => {
        await lockBatch(tx, batchId);
        // One reserved slot per batch: a retry (or a repeated call) gets the slot it already holds.
        const [held] = await tx
          .select({ slotId: manufacturingSlots.id, line: manufacturingSlots.line })
          .from(manufacturingSlots)
          .where(and(eq(manufacturingSlots.batchId, batchId), eq(manufacturingSlots.state, 'reserved')));
        if (held) return held;

        const [facility] = await tx.select({ lines: sites.manufacturingLines }).from(sites).where(eq(sites.id, facilityId));
        if (!facility) throw invalidInput(`Facility ${facilityId} does not exist.`);

        // A line whose bioreactor has an open maintenance ticket takes no new batch (slots held stay).
        const underMaintenance = new Set(
          (
            await tx
              .select({ line: equipment.line })
              .from(equipment)
              .innerJoin(maintenanceTickets, and(eq(maintenanceTickets.equipmentId, equipment.id), eq(maintenanceTickets.state, 'open')))
              .where(and(eq(equipment.siteId, facilityId), eq(equipment.kind, 'bioreactor')))
          ).map((r) => r.line),
        );
        const lines = Array.from({ length: facility.lines }, (_, n) => `line-${n + 1}`).filter((line) => !underMaintenance.has(line));
        const slot = await insertSlotOnAnyLine(tx, { batchId, facilityId, during, state: 'reserved' }, lines);
        if (slot) return slot;
        const closed = underMaintenance.size ? ` (${[...underMaintenance].sort().join(', ')} under maintenance)` : '';
        throw slotTaken(`No manufacturing line at ${facilityId} is free from ${from} to ${to}${closed}.`);
      });
    },

    async releaseManufacturingSlot({ batchId }) {
      // Releasing what is already released changes nothing, so a retry is harmless.
      await db
        .update(manufacturingSlots)
        .set({ state: 'released' })
        .where(and(eq(manufacturingSlots.batchId, batchId), eq(manufacturingSlots.state, 'reserved')));
      // A line freed (release, failure, cancel) may serve a waiting patient; told on a retry too, so no release is missed.
      await afterCapacityReleased?.({ batchId, reason: 'manufacturing line released' });
    },
  };
}
