import { and, desc, eq, inArray } from 'drizzle-orm';
import { batches, collectionBookings, manufacturingSlots, slotChains } from '../../db/schema/index.js';
import type { Db, Tx } from './db.js';

/** A batch's chain as stored, with the units that hold its capacity. */
export interface ChainRecord {
  chainId: string;
  batchId: string;
  version: number;
  state: 'booked' | 'confirmed' | 'superseded' | 'released';
  reason: string;
  apheresisCenterId: string;
  collectionDay: string;
  collectionSlot: string | null;
  facilityId: string;
  line: string | null;
  lineStartDay: string;
  lineEndDay: string;
  infusionDay: string;
  collectionBookingId: string | null;
  manufacturingSlotId: string | null;
}

/** The batch's row, locked for the rest of the transaction: every chain change of one batch is serialised. */
export async function lockBatch(tx: Tx, batchId: string) {
  const [row] = await tx
    .select({ id: batches.id, productId: batches.productId, apheresisCenterId: batches.apheresisCenterId, treatmentCenterId: batches.treatmentCenterId, facilityId: batches.facilityId, timeScale: batches.timeScale, stage: batches.stage, createdAt: batches.createdAt })
    .from(batches)
    .where(eq(batches.id, batchId))
    .for('update');
  if (!row) throw new Error(`No batch ${batchId}.`);
  return row;
}

async function chainsOf(db: Db, batchId: string, states: ChainRecord['state'][]): Promise<ChainRecord[]> {
  const rows = await db
    .select({ chain: slotChains, slot: collectionBookings.slot, apheresisCenterId: batches.apheresisCenterId, line: manufacturingSlots.line })
    .from(slotChains)
    .innerJoin(batches, eq(batches.id, slotChains.batchId))
    .leftJoin(collectionBookings, eq(collectionBookings.id, slotChains.collectionBookingId))
    .leftJoin(manufacturingSlots, eq(manufacturingSlots.id, slotChains.manufacturingSlotId))
    .where(and(eq(slotChains.batchId, batchId), inArray(slotChains.state, states)))
    .orderBy(desc(slotChains.version));
  return rows.map(({ chain: c, slot, apheresisCenterId, line }) => ({
    chainId: c.id, batchId: c.batchId, version: c.version, state: c.state, reason: c.reason, apheresisCenterId,
    collectionDay: c.collectionDay, collectionSlot: slot, facilityId: c.facilityId, line,
    lineStartDay: c.lineStartDay, lineEndDay: c.lineEndDay, infusionDay: c.infusionDay,
    collectionBookingId: c.collectionBookingId, manufacturingSlotId: c.manufacturingSlotId,
  }));
}

/** The batch's live chain (booked or confirmed), or null: a real-clock batch without one is waitlisted. */
export async function liveChain(db: Db, batchId: string): Promise<ChainRecord | null> {
  return (await chainsOf(db, batchId, ['booked', 'confirmed']))[0] ?? null;
}

/** Every chain the batch had, newest first. */
export const chainHistory = (db: Db, batchId: string) => chainsOf(db, batchId, ['booked', 'confirmed', 'superseded', 'released']);
