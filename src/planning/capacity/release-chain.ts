import { and, eq } from 'drizzle-orm';
import { collectionBookings, manufacturingSlots, slotChains } from '../../db/schema/index.js';
import type { Tx } from './db.js';
import { liveChain, lockBatch, type ChainRecord } from './live-chain.js';

export interface ReleasedChain {
  chain: ChainRecord;
  reason: string;
}

/**
 * Ends the batch's live chain: its collection booking and its line held ahead are freed for the
 * next patient, and the chain becomes `released` (or `superseded`, when a re-plan replaces it). A
 * line already confirmed at receipt ('reserved') stays: the cells are on it, and the batch's own
 * slot release frees it. Idempotent: with no live chain there is nothing to do, and null says so.
 */
export async function releaseChain(tx: Tx, batchId: string, reason: string, ending: 'released' | 'superseded' = 'released'): Promise<ReleasedChain | null> {
  await lockBatch(tx, batchId);
  const live = await liveChain(tx, batchId);
  if (!live) return null;
  if (live.collectionBookingId) {
    await tx.update(collectionBookings).set({ state: 'released' }).where(and(eq(collectionBookings.id, live.collectionBookingId), eq(collectionBookings.state, 'active')));
  }
  if (live.manufacturingSlotId) {
    await tx.update(manufacturingSlots).set({ state: 'released' }).where(and(eq(manufacturingSlots.id, live.manufacturingSlotId), eq(manufacturingSlots.state, 'reserved-ahead')));
  }
  await tx.update(slotChains).set({ state: ending }).where(eq(slotChains.id, live.chainId));
  return { chain: { ...live, state: ending }, reason };
}
