import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../activities/deps.js';
import type { Database } from '../../db/client.js';
import { batches, waitlistEntries } from '../../db/schema/index.js';
import type { LocalDate } from '../../domain/calendar-day.js';

/**
 * Puts a batch that got no chain on the waitlist (enrolment without a chain, or a slip whose re-plan
 * found none). The batch's sites and product come from its row, never from the caller; joining twice
 * keeps the first entry (its place in the queue), so a retried call changes nothing. A batch that
 * waited before and was allocated waits again from now.
 */
export async function joinWaitlist(db: Database | Tx, batchId: string, at: Date, earliestCollectionDay?: LocalDate): Promise<void> {
  const [batch] = await db
    .select({ productId: batches.productId, apheresisCenterId: batches.apheresisCenterId, treatmentCenterId: batches.treatmentCenterId })
    .from(batches)
    .where(eq(batches.id, batchId));
  if (!batch) throw new Error(`No batch ${batchId} to put on the waitlist.`);
  const entry = { ...batch, enrolledAt: at, earliestCollectionDay: earliestCollectionDay ?? null, state: 'waiting' as const, allocatedAt: null };
  await db.insert(waitlistEntries).values({ batchId, ...entry })
    .onConflictDoUpdate({ target: waitlistEntries.batchId, set: entry, setWhere: eq(waitlistEntries.state, 'allocated') });
}

/** A cancelled batch leaves the list; an allocated one keeps its record. */
export async function withdrawFromWaitlist(db: Database | Tx, batchId: string): Promise<void> {
  await db.update(waitlistEntries).set({ state: 'withdrawn' }).where(and(eq(waitlistEntries.batchId, batchId), eq(waitlistEntries.state, 'waiting')));
}
