import type { Database } from '../../db/client.js';
import type { LocalDate } from '../../domain/calendar-day.js';
import { greedyPlan } from '../../domain/planning/greedy.js';
import type { ChainRoute, Plan, PlanningProblem } from '../../domain/planning/problem.js';
import type { AllocatedChain, WaitlistCapacity } from './capacity-port.js';
import type { RankedWaiting } from './ranked-waitlist.js';
import { datedChain, waitlistProblem } from './waitlist-problem.js';

export type Planner = (problem: PlanningProblem) => Plan | Promise<Plan>;

export interface WaitlistPlan {
  plan: Plan;
  startDate: LocalDate;
  /** The chain the plan gives each batch that got one, in local dates. */
  chainOf: Map<string, AllocatedChain>;
}

/**
 * Plans the ranked waitlist over today's free capacity: each batch's routes, the capacity of every
 * site they touch, and the planner (the greedy rule unless another is given). The allocator books
 * what this returns; the waitlist view shows it as each entry's expected collection day.
 */
export async function planWaitlist(db: Database, capacity: WaitlistCapacity, ranked: readonly RankedWaiting[], now: Date, planner: Planner = greedyPlan): Promise<WaitlistPlan> {
  const routes = new Map<string, ChainRoute[]>(
    await Promise.all(ranked.map(async ({ entry }) => [entry.batchId, await capacity.routes(db, { batchId: entry.batchId, productId: entry.productId })] as const)),
  );
  const facilities = [...routes.values()].flat().map((r) => r.facilityId);
  const sites = [...new Set([...ranked.flatMap((r) => [r.entry.apheresisCenterId, r.entry.treatmentCenterId]), ...facilities])];
  const loaded = await capacity.load(db, { from: now, horizonDays: capacity.horizonDays, sites });
  const plan = await planner(waitlistProblem(ranked, loaded.capacity, loaded.startDate, (batchId) => routes.get(batchId) ?? []));
  const chainOf = new Map(plan.assignments.map((a) => [a.orderId, datedChain(loaded.startDate, a)]));
  return { plan, startDate: loaded.startDate, chainOf };
}
