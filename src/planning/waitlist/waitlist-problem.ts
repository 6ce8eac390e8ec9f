import { addDays, daysBetween, type LocalDate } from '../../domain/calendar-day.js';
import type { ChainAssignment, ChainRoute, PlanningProblem } from '../../domain/planning/problem.js';
import type { AllocatedChain } from './capacity-port.js';
import type { RankedWaiting } from './ranked-waitlist.js';

const DAY_MS = 86_400_000;

/**
 * The planning problem of the waitlist: every waiting entry an order, weighted by the policy's rank.
 * `orderedDay` keeps the fraction of the day the order came in, so the greedy rule's tie-break
 * (earlier order first) is exactly the rank's, and the plan gives capacity in rank order.
 */
export function waitlistProblem(
  ranked: readonly RankedWaiting[],
  capacity: PlanningProblem['capacity'],
  startDate: LocalDate,
  routesOf: (batchId: string) => ChainRoute[],
): PlanningProblem {
  const dayZero = Date.parse(`${startDate}T00:00:00Z`);
  const orders = ranked.map(({ entry, rank }) => ({
    orderId: entry.batchId,
    treatmentCenterId: entry.treatmentCenterId,
    apheresisCenterId: entry.apheresisCenterId,
    productId: entry.productId,
    orderedDay: (entry.enrolledAt.getTime() - dayZero) / DAY_MS,
    earliestCollectionDay: entry.earliestCollectionDay ? Math.max(0, daysBetween(startDate, entry.earliestCollectionDay)) : 0,
    weight: rank.weight,
    routes: routesOf(entry.batchId),
  }));
  return { orders, capacity };
}

export function datedChain(startDate: LocalDate, chain: ChainAssignment): AllocatedChain {
  return {
    facilityId: chain.facilityId,
    collectionDay: addDays(startDate, chain.collectionDay),
    lineStartDay: addDays(startDate, chain.lineStartDay),
    lineEndDay: addDays(startDate, chain.lineEndDay),
    infusionDay: addDays(startDate, chain.infusionDay),
  };
}
