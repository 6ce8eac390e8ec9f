import { chainCost, waitingCost } from './feasible-chains.js';
import type { ChainAssignment, PlanningProblem } from './problem.js';

/** Σ weight × days from order to infusion, waiting orders at the waiting cost: the one objective every solver is judged on. */
export function planObjective(problem: PlanningProblem, assignments: readonly ChainAssignment[]): number {
  const chainOf = new Map(assignments.map((a) => [a.orderId, a]));
  let total = 0;
  for (const order of problem.orders) {
    const chain = chainOf.get(order.orderId);
    total += chain ? chainCost(order, chain) : waitingCost(order, problem.capacity);
  }
  return total;
}

/** The orders with no assignment, in the problem's order. */
export function waitingOrders(problem: PlanningProblem, assignments: readonly ChainAssignment[]): string[] {
  const assigned = new Set(assignments.map((a) => a.orderId));
  return problem.orders.filter((o) => !assigned.has(o.orderId)).map((o) => o.orderId);
}
