import type { ChainAssignment, ChainRoute, PlanningCapacity, PlanningOrder } from './problem.js';

/**
 * Every slot chain one order could take inside the horizon, and what a chain (or waiting) costs.
 * Pure and deterministic: the greedy rule, the solver, the API's slot-chain query and the twin all
 * enumerate chains here, so none of them can disagree about what "feasible" means.
 */

/** A chain without its order: where and when the cells go. */
export type Chain = Omit<ChainAssignment, 'orderId'>;

export function chainOf(a: ChainAssignment): Chain {
  return { collectionDay: a.collectionDay, facilityId: a.facilityId, lineStartDay: a.lineStartDay, lineEndDay: a.lineEndDay, infusionDay: a.infusionDay };
}

/** A route's offsets must be whole days; a negative transit or a zero-day line is a caller's bug, not a chain. */
function assertRoute(order: PlanningOrder, route: ChainRoute): void {
  const fields = { arrivalDays: route.arrivalDays, lineDays: route.lineDays, infusionDays: route.infusionDays } as const;
  for (const [name, value] of Object.entries(fields)) {
    const min = name === 'lineDays' ? 1 : 0;
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(`order ${order.orderId}, facility ${route.facilityId}: ${name} must be a whole number ≥ ${min} (got ${value})`);
    }
  }
}

/** Free units of one site on one day; a site the capacity does not list has none. */
export function freeOn(table: Record<string, readonly number[]>, siteId: string, day: number): number {
  return table[siteId]?.[day] ?? 0;
}

function lineFreeThroughout(capacity: PlanningCapacity, facilityId: string, start: number, end: number): boolean {
  for (let d = start; d < end; d++) if (freeOn(capacity.lines, facilityId, d) <= 0) return false;
  return true;
}

/**
 * The chains of one order, ordered by infusion day, then facility id, then collection day. Fresh
 * material never waits: the line starts the day it arrives (collection + arrivalDays), is held for
 * lineDays, and the infusion follows lineEnd + infusionDays (the LD course fixes that gap). Every
 * step lies in days 0 … horizonDays − 1, and every day it touches has free capacity.
 */
export function feasibleChains(order: PlanningOrder, capacity: PlanningCapacity): ChainAssignment[] {
  const chains: ChainAssignment[] = [];
  const first = Math.max(0, Math.ceil(order.earliestCollectionDay));
  for (const route of order.routes) {
    assertRoute(order, route);
    for (let c = first; c < capacity.horizonDays; c++) {
      const lineStartDay = c + route.arrivalDays;
      const lineEndDay = lineStartDay + route.lineDays;
      const infusionDay = lineEndDay + route.infusionDays;
      // Later collections only push the infusion further out.
      if (infusionDay >= capacity.horizonDays) break;
      if (freeOn(capacity.collections, order.apheresisCenterId, c) <= 0) continue;
      if (freeOn(capacity.chairs, order.treatmentCenterId, infusionDay) <= 0) continue;
      if (!lineFreeThroughout(capacity, route.facilityId, lineStartDay, lineEndDay)) continue;
      chains.push({ orderId: order.orderId, collectionDay: c, facilityId: route.facilityId, lineStartDay, lineEndDay, infusionDay });
    }
  }
  return chains.sort(compareChains);
}

/** Earlier infusion first; then facility id and collection day, so every caller sees one order. */
export function compareChains(a: ChainAssignment, b: ChainAssignment): number {
  if (a.infusionDay !== b.infusionDay) return a.infusionDay - b.infusionDay;
  if (a.facilityId !== b.facilityId) return a.facilityId < b.facilityId ? -1 : 1;
  return a.collectionDay - b.collectionDay;
}

/** A weight must be positive, or waiting would cost no more than a chain (and the objective would not care who waits). */
function assertWeight(order: PlanningOrder): void {
  if (!Number.isFinite(order.weight) || order.weight <= 0) {
    throw new RangeError(`order ${order.orderId}: weight must be a positive number (got ${order.weight})`);
  }
}

/** What a chain costs: the order's weight × the days from its order to its infusion. */
export function chainCost(order: PlanningOrder, chain: Pick<ChainAssignment, 'infusionDay'>): number {
  assertWeight(order);
  return order.weight * (chain.infusionDay - order.orderedDay);
}

/**
 * What waiting costs: the order counts as infused on day horizonDays, the day after the last
 * infusion any chain can have (horizonDays − 1). With a positive weight, waiting therefore costs
 * strictly more than every chain in the horizon — by at least one day's weight — so a plan never
 * leaves an order waiting to save nothing. Beyond that the penalty is deliberately not larger: a
 * huge penalty would make the objective count served orders and stop measuring days waited.
 */
export function waitingCost(order: PlanningOrder, capacity: Pick<PlanningCapacity, 'horizonDays'>): number {
  assertWeight(order);
  return order.weight * (capacity.horizonDays - order.orderedDay);
}
