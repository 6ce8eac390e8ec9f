import { and, asc, eq, gte } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { batches, waitlistAllocations, waitlistEntries } from '../../db/schema/index.js';
import type { UrgencyTier } from '../../domain/planning/policy.js';
import { rankWaitlist, type RankedEntry, type WaitlistEntry } from '../../domain/planning/weights.js';
import { activePolicy, type StoredPolicy } from './policy-store.js';
import { urgencyTiers } from './urgency.js';

const DAY_MS = 86_400_000;

export type WaitingRow = typeof waitlistEntries.$inferSelect;

export interface RankedWaiting {
  entry: WaitingRow;
  rank: RankedEntry;
  tier: UrgencyTier;
  waitedDays: number;
}

export interface RankedWaitlist {
  policy: StoredPolicy;
  /** Every waiting entry, in allocation order (position 1 first). */
  ranked: RankedWaiting[];
}

/**
 * The whole waitlist as the active policy orders it: the waiting entries, each batch's signed tier
 * (standard when none), and, for fair-share, each treatment centre's allocations inside the
 * policy's window. The order is the domain's rankWaitlist, so the API, the allocator and the twin
 * agree on who is next.
 */
export async function rankedWaitlist(db: Database, now: Date): Promise<RankedWaitlist> {
  const policy = await activePolicy(db);
  const waiting = await db.select().from(waitlistEntries).where(eq(waitlistEntries.state, 'waiting')).orderBy(asc(waitlistEntries.enrolledAt));
  const tiers = await urgencyTiers(db, waiting.map((w) => w.batchId));
  const recent = await recentAllocationsByCentre(db, new Date(now.getTime() - policy.policy.fairShareWindowDays * DAY_MS));
  const centres = new Set([...waiting.map((w) => w.treatmentCenterId), ...Object.keys(recent)]);
  const entries: WaitlistEntry[] = waiting.map((w) => ({
    orderId: w.batchId,
    orderedAt: w.enrolledAt.getTime(),
    facts: {
      tier: tiers.get(w.batchId) ?? 'standard',
      daysWaited: waitedDays(w.enrolledAt, now),
      treatmentCenterId: w.treatmentCenterId,
      recentAllocationsByCentre: recent,
      centreCount: centres.size,
    },
  }));
  const byId = new Map(waiting.map((w) => [w.batchId, w]));
  const ranked = rankWaitlist(policy.policy, entries).map((rank) => {
    const entry = byId.get(rank.orderId)!;
    return { entry, rank, tier: tiers.get(entry.batchId) ?? 'standard', waitedDays: waitedDays(entry.enrolledAt, now) };
  });
  return { policy, ranked };
}

export const waitedDays = (since: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS));

async function recentAllocationsByCentre(db: Database, since: Date): Promise<Record<string, number>> {
  const rows = await db
    .select({ centre: batches.treatmentCenterId })
    .from(waitlistAllocations)
    .innerJoin(batches, eq(batches.id, waitlistAllocations.batchId))
    .where(and(gte(waitlistAllocations.allocatedAt, since)));
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.centre] = (counts[r.centre] ?? 0) + 1;
  return counts;
}
