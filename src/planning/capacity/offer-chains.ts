import type { PlanClock } from '../../domain/batch/journey.js';
import { localDateOf, type LocalDate } from '../../domain/calendar-day.js';
import { feasibleChains } from '../../domain/planning/feasible-chains.js';
import type { PlanningOrder } from '../../domain/planning/problem.js';
import type { ProductProfile } from '../../domain/profile.js';
import { bookChain } from './book-chain.js';
import { CHAIN_ERR, ChainError } from './chain-errors.js';
import { chainRoutes } from './chain-routes.js';
import type { Db, Tx } from './db.js';
import type { ChainRecord } from './live-chain.js';
import { loadPlanningCapacity } from './load-capacity.js';
import { datedChain, dayOfDate, type DatedChain, type PlanCalendar } from './plan-calendar.js';

/** The feasible chains for one patient, earliest infusion first, from the database's capacity now. */
export interface ChainQuery {
  profile: ProductProfile;
  apheresisCenterId: string;
  treatmentCenterId: string;
  facilityIds: readonly string[];
  from: number;
  horizonDays: number;
  /** No collection before this local date (a washout, a slipped collection). */
  earliestDay?: LocalDate | undefined;
  /** The calendar planned in (a compressed clock's simulated days); the real one by default. */
  clock?: PlanClock | undefined;
}

export interface ChainOffer {
  calendar: PlanCalendar;
  chains: DatedChain[];
}

export async function offerChains(db: Db, query: ChainQuery): Promise<ChainOffer> {
  const sites = [query.apheresisCenterId, query.treatmentCenterId, ...query.facilityIds];
  const { capacity, calendar } = await loadPlanningCapacity(db, { from: query.from, horizonDays: query.horizonDays, sites, clock: query.clock });
  const order: PlanningOrder = {
    orderId: 'offer',
    treatmentCenterId: query.treatmentCenterId,
    apheresisCenterId: query.apheresisCenterId,
    productId: query.profile.id,
    orderedDay: dayOfDate(calendar, localDateOf(query.clock ? query.clock.simulatedAt(query.from) : query.from, 'UTC')),
    earliestCollectionDay: query.earliestDay ? Math.max(0, dayOfDate(calendar, query.earliestDay)) : 0,
    weight: 1,
    routes: chainRoutes(query.profile, query.facilityIds),
  };
  return { calendar, chains: feasibleChains(order, capacity).map((c) => datedChain(calendar, c)) };
}

/** How many offered chains a booking tries before it calls the patient waitlisted: each loss is a race, not a rule. */
const BOOKING_TRIES = 5;

/** Books the first offered chain the database lets through; null when none does (the batch waits). */
export async function bookFirstAvailable(tx: Tx, batchId: string, chains: readonly DatedChain[], reason: string, clock?: PlanClock): Promise<ChainRecord | null> {
  for (const chain of chains.slice(0, BOOKING_TRIES)) {
    try {
      return await bookChain(tx, batchId, chain, reason, clock);
    } catch (err) {
      if (!(err instanceof ChainError && err.code === CHAIN_ERR.UNAVAILABLE)) throw err;
    }
  }
  return null;
}
