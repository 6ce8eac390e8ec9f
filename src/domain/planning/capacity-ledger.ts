import type { ChainAssignment, PlanningCapacity, PlanningOrder } from './problem.js';

/** Free capacity a planner may spend: a private copy of the problem's, so planning never mutates its input. */
export interface CapacityLedger extends PlanningCapacity {
  collections: Record<string, number[]>;
  lines: Record<string, number[]>;
  chairs: Record<string, number[]>;
}

function copyTable(table: Record<string, readonly number[]>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(table).map(([site, days]) => [site, [...days]]));
}

export function openLedger(capacity: PlanningCapacity): CapacityLedger {
  return {
    horizonDays: capacity.horizonDays,
    collections: copyTable(capacity.collections),
    lines: copyTable(capacity.lines),
    chairs: copyTable(capacity.chairs),
  };
}

function take(table: Record<string, number[]>, siteId: string, day: number): void {
  const days = table[siteId];
  if (!days || !((days[day] ?? 0) > 0)) throw new RangeError(`no free capacity at ${siteId} on day ${day}`);
  days[day] = days[day]! - 1;
}

/** Whether one chain's collection, line days and chair are all still free. */
export function chainFits(ledger: CapacityLedger, order: PlanningOrder, chain: ChainAssignment): boolean {
  const free = (table: Record<string, number[]>, siteId: string, day: number) => (table[siteId]?.[day] ?? 0) > 0;
  if (!free(ledger.collections, order.apheresisCenterId, chain.collectionDay) || !free(ledger.chairs, order.treatmentCenterId, chain.infusionDay)) return false;
  for (let d = chain.lineStartDay; d < chain.lineEndDay; d++) if (!free(ledger.lines, chain.facilityId, d)) return false;
  return true;
}

/** Spends one chain's collection, line days and chair; throws if any is already gone (a planner's bug). */
export function takeChain(ledger: CapacityLedger, order: PlanningOrder, chain: ChainAssignment): void {
  take(ledger.collections, order.apheresisCenterId, chain.collectionDay);
  for (let d = chain.lineStartDay; d < chain.lineEndDay; d++) take(ledger.lines, chain.facilityId, d);
  take(ledger.chairs, order.treatmentCenterId, chain.infusionDay);
}

/** Gives a taken chain's capacity back (the exhaustive search undoing a branch). */
export function releaseChain(ledger: CapacityLedger, order: PlanningOrder, chain: ChainAssignment): void {
  const give = (table: Record<string, number[]>, siteId: string, day: number) => {
    table[siteId]![day] = table[siteId]![day]! + 1;
  };
  give(ledger.collections, order.apheresisCenterId, chain.collectionDay);
  for (let d = chain.lineStartDay; d < chain.lineEndDay; d++) give(ledger.lines, chain.facilityId, d);
  give(ledger.chairs, order.treatmentCenterId, chain.infusionDay);
}
