import { freeOn } from './feasible-chains.js';
import type { ChainAssignment, PlanningProblem } from './problem.js';

/**
 * Every rule a plan must keep, as a list of broken ones (empty = valid): each order at most once
 * and only on one of its routes; fresh material never waits (line start = collection + arrival);
 * the line held for the route's lineDays; infusion = line end + infusionDays (the LD rule); every
 * step inside the horizon; no collection day, line-day or chair-day over capacity. The planner
 * checks a solver's answer with it before trusting it; the property tests check every solver.
 */
export function planViolations(problem: PlanningProblem, assignments: readonly ChainAssignment[]): string[] {
  const { capacity } = problem;
  const orders = new Map(problem.orders.map((o) => [o.orderId, o]));
  const broken: string[] = [];
  const seen = new Set<string>();
  const tables = { collection: capacity.collections, line: capacity.lines, chair: capacity.chairs } as const;
  const used = new Map<string, { kind: keyof typeof tables; site: string; day: number; n: number }>();
  const use = (kind: keyof typeof tables, site: string, day: number) => {
    const key = JSON.stringify([kind, site, day]);
    const entry = used.get(key) ?? { kind, site, day, n: 0 };
    entry.n += 1;
    used.set(key, entry);
  };

  for (const a of assignments) {
    const order = orders.get(a.orderId);
    if (!order) { broken.push(`${a.orderId}: not an order of the problem`); continue; }
    if (seen.has(a.orderId)) broken.push(`${a.orderId}: assigned twice`);
    seen.add(a.orderId);
    const route = order.routes.find((r) => r.facilityId === a.facilityId && a.lineStartDay === a.collectionDay + r.arrivalDays && a.lineEndDay === a.lineStartDay + r.lineDays && a.infusionDay === a.lineEndDay + r.infusionDays);
    if (!route) broken.push(`${a.orderId}: chain matches none of its routes (arrival, line days, infusion offset)`);
    if (a.collectionDay < Math.max(0, order.earliestCollectionDay)) broken.push(`${a.orderId}: collected before its earliest day`);
    if (a.infusionDay >= capacity.horizonDays || a.collectionDay < 0) broken.push(`${a.orderId}: outside the horizon`);
    use('collection', order.apheresisCenterId, a.collectionDay);
    for (let d = a.lineStartDay; d < a.lineEndDay; d++) use('line', a.facilityId, d);
    use('chair', order.treatmentCenterId, a.infusionDay);
  }
  for (const { kind, site, day, n } of used.values()) {
    const free = freeOn(tables[kind], site, day);
    if (n > free) broken.push(`${kind} at ${site} on day ${day}: ${n} used, ${free} free`);
  }
  return broken;
}
