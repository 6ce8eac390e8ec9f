import { openLedger, takeChain } from './capacity-ledger.js';
import { feasibleChains } from './feasible-chains.js';
import { planObjective, waitingOrders } from './objective.js';
import type { ChainAssignment, Plan, PlanningOrder, PlanningProblem } from './problem.js';

/** Heaviest first; among equals the earlier order, then the order id, so the rule is total and repeatable. */
export function comparePriority(a: PlanningOrder, b: PlanningOrder): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  if (a.orderedDay !== b.orderedDay) return a.orderedDay - b.orderedDay;
  return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
}

/**
 * The greedy rule: in priority order, each order takes its earliest-infusion chain among what the
 * orders before it left. Never optimal in general (a heavy order may take the only chain a lighter
 * one could use while another would have done), but fast, explainable and the solver's fallback.
 */
export function greedyPlan(problem: PlanningProblem): Plan {
  const ledger = openLedger(problem.capacity);
  const assignments: ChainAssignment[] = [];
  for (const order of [...problem.orders].sort(comparePriority)) {
    const best = feasibleChains(order, ledger)[0];
    if (!best) continue;
    takeChain(ledger, order, best);
    assignments.push(best);
  }
  return {
    assignments,
    waiting: waitingOrders(problem, assignments),
    objective: planObjective(problem, assignments),
    solver: 'greedy',
    optimal: false,
  };
}
