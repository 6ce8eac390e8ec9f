import type { PlanningCapacity, PlanningOrder, PlanningProblem } from '../../../src/domain/planning/problem.js';

/** Every day of a horizon with the same free count. */
export const days = (horizonDays: number, free: number): number[] => Array.from({ length: horizonDays }, () => free);

/** One order on one route (fac-a: 1 day out, 3 line days, 2 days to infusion) unless told otherwise. */
export function order(orderId: string, over: Partial<PlanningOrder> = {}): PlanningOrder {
  return {
    orderId,
    treatmentCenterId: 'tc-1',
    apheresisCenterId: 'ac-1',
    productId: 'p-1',
    orderedDay: 0,
    earliestCollectionDay: 0,
    weight: 1,
    routes: [{ facilityId: 'fac-a', arrivalDays: 1, lineDays: 3, infusionDays: 2 }],
    ...over,
  };
}

/** A capacity with one site of each kind, everything free `free` per day. */
export function capacity(horizonDays: number, free = 1, over: Partial<PlanningCapacity> = {}): PlanningCapacity {
  return {
    horizonDays,
    collections: { 'ac-1': days(horizonDays, free) },
    lines: { 'fac-a': days(horizonDays, free), 'fac-b': days(horizonDays, free) },
    chairs: { 'tc-1': days(horizonDays, free) },
    ...over,
  };
}

export const problem = (orders: PlanningOrder[], cap: PlanningCapacity): PlanningProblem => ({ orders, capacity: cap });
