import { comparePriority } from '../domain/planning/greedy.js';
import type { PlanningOrder } from '../domain/planning/problem.js';

/**
 * Orders the objective cannot tell apart: same apheresis centre, treatment centre, routes, first
 * collection day and weight. Their chains are the same chains, and a chain's cost differs between
 * them only by the constant −weight × orderedDay (paid whether they wait or not), so any plan may
 * swap them without changing its objective. The model therefore counts chains per class, not per
 * order — an exact reformulation that removes the symmetry a per-order model would branch on — and
 * hands a class's chains to its orders in priority order (earlier order, then id).
 */
export interface OrderClass {
  /** The class's orders, in priority order. */
  orders: PlanningOrder[];
  /** Any one of them: all share its chains. */
  representative: PlanningOrder;
}

function classKey(order: PlanningOrder): string {
  const routes = [...order.routes]
    .map((r) => [r.facilityId, r.arrivalDays, r.lineDays, r.infusionDays] as const)
    .sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
  return JSON.stringify([order.apheresisCenterId, order.treatmentCenterId, Math.max(0, Math.ceil(order.earliestCollectionDay)), order.weight, routes]);
}

export function orderClasses(orders: readonly PlanningOrder[]): OrderClass[] {
  const byKey = new Map<string, PlanningOrder[]>();
  for (const order of orders) {
    const key = classKey(order);
    const members = byKey.get(key);
    if (members) members.push(order);
    else byKey.set(key, [order]);
  }
  return [...byKey.values()].map((members) => {
    const sorted = members.sort(comparePriority);
    return { orders: sorted, representative: sorted[0]! };
  });
}
