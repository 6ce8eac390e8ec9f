import { eq, gte } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { waitlistAllocations, waitlistEntries } from '../../db/schema/index.js';
import { daysBetween, localDateOf, type LocalDate } from '../../domain/calendar-day.js';
import type { WaitlistCapacity } from './capacity-port.js';
import { collectionBand, type CollectionBand } from './collection-band.js';
import { rankedWaitlist, type RankedWaiting } from './ranked-waitlist.js';
import { planWaitlist } from './plan-waitlist.js';
import { urgencyTiers } from './urgency.js';
import type { UrgencyTier } from '../../domain/planning/policy.js';
import type { StoredPolicy } from './policy-store.js';

/** The window the release rate and the allocation lead are measured over. */
export const RELEASE_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export interface WaitlistView {
  policy: StoredPolicy;
  /** Plan day 0 as a local date (the earliest "today" among the sites planned). */
  today: LocalDate;
  ranked: (RankedWaiting & { expectedCollectionDay: LocalDate | null })[];
}

/** The whole list in rank order, each entry with the collection day a greedy plan over today's free capacity gives it. */
export async function waitlistView(db: Database, capacity: WaitlistCapacity, now: Date): Promise<WaitlistView> {
  const { policy, ranked } = await rankedWaitlist(db, now);
  if (ranked.length === 0) return { policy, today: localDateOf(now.getTime(), 'UTC'), ranked: [] };
  const { chainOf, startDate } = await planWaitlist(db, capacity, ranked, now);
  return { policy, today: startDate, ranked: ranked.map((r) => ({ ...r, expectedCollectionDay: chainOf.get(r.entry.batchId)?.collectionDay ?? null })) };
}

export interface BatchWaitlist {
  batchId: string;
  state: 'waiting' | 'allocated' | 'withdrawn';
  position: number | null;
  total: number;
  urgencyTier: UrgencyTier;
  expectedCollection: CollectionBand;
}

/** One batch's place in the list and its expected collection day as a band; undefined when the batch never waited. */
export async function batchWaitlist(db: Database, capacity: WaitlistCapacity, batchId: string, now: Date): Promise<BatchWaitlist | undefined> {
  const [entry] = await db.select().from(waitlistEntries).where(eq(waitlistEntries.batchId, batchId));
  if (!entry) return undefined;
  if (entry.state !== 'waiting') {
    const tier = (await urgencyTiers(db, [batchId])).get(batchId) ?? 'standard';
    const [allocation] = await db.select({ chain: waitlistAllocations.chain }).from(waitlistAllocations).where(eq(waitlistAllocations.batchId, batchId));
    const day = (allocation?.chain as { collectionDay?: string } | undefined)?.collectionDay ?? null;
    const basis = entry.state === 'allocated' ? 'allocated: the booked chain\'s collection day' : 'withdrawn from the waitlist';
    return { batchId, state: entry.state, position: null, total: 0, urgencyTier: tier, expectedCollection: { p10: day, p50: day, p90: day, model: 'greedy-replay-with-release-rate', basis } };
  }
  const view = await waitlistView(db, capacity, now);
  const mine = view.ranked.find((r) => r.entry.batchId === batchId)!;
  const history = await releaseHistory(db, now);
  const band = collectionBand({ today: view.today, position: mine.rank.position, plannedDay: mine.expectedCollectionDay, ...history, windowDays: RELEASE_WINDOW_DAYS });
  return { batchId, state: 'waiting', position: mine.rank.position, total: view.ranked.length, urgencyTier: mine.tier, expectedCollection: band };
}

/** Chains released to the waitlist per day over the window, and the median days from an allocation to its collection day. */
async function releaseHistory(db: Database, now: Date): Promise<{ releasesPerDay: number; leadDays: number }> {
  const since = new Date(now.getTime() - RELEASE_WINDOW_DAYS * DAY_MS);
  const rows = await db.select({ at: waitlistAllocations.allocatedAt, chain: waitlistAllocations.chain }).from(waitlistAllocations).where(gte(waitlistAllocations.allocatedAt, since));
  const leads = rows
    .map((r) => (r.chain as { collectionDay?: string }).collectionDay)
    .map((day, i) => (day ? Math.max(0, daysBetween(localDateOf(rows[i]!.at.getTime(), 'UTC'), day)) : 0))
    .sort((a, b) => a - b);
  return { releasesPerDay: rows.length / RELEASE_WINDOW_DAYS, leadDays: leads[Math.floor((leads.length - 1) / 2)] ?? 0 };
}
