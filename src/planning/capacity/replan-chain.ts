import { and, eq } from 'drizzle-orm';
import { productProfiles, sites } from '../../db/schema/index.js';
import type { PlanClock } from '../../domain/batch/journey.js';
import type { LocalDate } from '../../domain/calendar-day.js';
import { productProfileSchema } from '../../domain/profile.js';
import { CHAIN_ERR, ChainError } from './chain-errors.js';
import type { Db, Tx } from './db.js';
import { liveChain, lockBatch, type ChainRecord } from './live-chain.js';
import { bookFirstAvailable, offerChains } from './offer-chains.js';
import { releaseChain } from './release-chain.js';

export interface ReplanRequest {
  /** No collection before this local date at the apheresis centre. */
  earliestDay: LocalDate;
  /** The slip that moves the chain; also the re-plan's idempotency key (make it unique per slip). */
  reason: string;
  now?: number;
  horizonDays?: number;
  /** The calendar planned in (a compressed clock's simulated days); the real one by default. */
  clock?: PlanClock | undefined;
}

export interface Replan {
  /** The chain superseded (null when the batch held none: a waitlisted batch gets its first chain). */
  previous: ChainRecord | null;
  /** The chain booked, or null when none fits the horizon: the batch is waitlisted. */
  chain: ChainRecord | null;
}

export const REPLAN_HORIZON_DAYS = 120;

/**
 * A slip (patient not ready, a re-collection): the live chain is superseded, its capacity freed,
 * and the earliest feasible chain from `earliestDay` is booked under the same rules, all in the
 * caller's transaction. The batch keeps its facility (the workflow was started for it). A retry of
 * the same re-plan (same reason, already applied) returns the chain it booked and changes nothing.
 */
export async function replanChain(tx: Tx, batchId: string, request: ReplanRequest): Promise<Replan> {
  const batch = await lockBatch(tx, batchId);
  const live = await liveChain(tx, batchId);
  if (live?.reason === request.reason && live.collectionDay >= request.earliestDay) return { previous: null, chain: live };
  if (live?.state === 'confirmed') {
    throw new ChainError(CHAIN_ERR.CONFLICT, 'chain', `Batch ${batchId}'s cells are already on line ${live.line ?? '?'}: its chain can no longer be re-planned.`);
  }
  const released = await releaseChain(tx, batchId, request.reason, 'superseded');
  const [product] = await tx.select({ profile: productProfiles.profile }).from(productProfiles).where(eq(productProfiles.id, batch.productId));
  const profile = productProfileSchema.parse(product!.profile);
  const facilityIds = batch.facilityId ? [batch.facilityId] : await realFacilities(tx);
  const offer = await offerChains(tx, {
    profile,
    apheresisCenterId: batch.apheresisCenterId,
    treatmentCenterId: batch.treatmentCenterId,
    facilityIds,
    from: request.now ?? Date.now(),
    horizonDays: request.horizonDays ?? REPLAN_HORIZON_DAYS,
    earliestDay: request.earliestDay,
    clock: request.clock,
  });
  const chain = await bookFirstAvailable(tx, batchId, offer.chains, request.reason, request.clock);
  return { previous: released?.chain ?? null, chain };
}

/** The real (not simulated) facilities, by id. */
export async function realFacilities(db: Db): Promise<string[]> {
  const rows = await db.select({ id: sites.id }).from(sites).where(and(eq(sites.kind, 'manufacturing_facility'), eq(sites.simulated, false)));
  return rows.map((r) => r.id).sort();
}
