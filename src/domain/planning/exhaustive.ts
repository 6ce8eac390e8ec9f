import { openLedger, releaseChain, takeChain } from './capacity-ledger.js';
import { chainCost, feasibleChains, waitingCost } from './feasible-chains.js';
import { comparePriority } from './greedy.js';
import { planObjective, waitingOrders } from './objective.js';
import type { ChainAssignment, Plan, PlanningProblem } from './problem.js';

/** Beyond this the search takes minutes: it is a reference for tests and benches, not a planner. */
export const EXHAUSTIVE_MAX_ORDERS = 8;

/**
 * The proven optimum by trying every combination: each order takes one of its chains still free or
 * waits, depth first, cutting a branch once its cost plus every remaining order's cheapest chain
 * cannot beat the best found. Exponential; the planner's optimality tests compare against it.
 */
export function exhaustivePlan(problem: PlanningProblem): Plan {
  if (problem.orders.length > EXHAUSTIVE_MAX_ORDERS) {
    throw new RangeError(`exhaustive search takes at most ${EXHAUSTIVE_MAX_ORDERS} orders (got ${problem.orders.length})`);
  }
  const orders = [...problem.orders].sort(comparePriority);
  const ledger = openLedger(problem.capacity);
  // The least each order can cost, capacity shared by no one: an admissible bound for the rest of a branch.
  const floor = orders.map((o) => {
    const first = feasibleChains(o, problem.capacity)[0];
    return first ? chainCost(o, first) : waitingCost(o, problem.capacity);
  });
  const floorFrom = floor.map((_, i) => floor.slice(i).reduce((s, x) => s + x, 0));
  let best = Infinity;
  let bestAssignments: ChainAssignment[] = [];
  const chosen: ChainAssignment[] = [];

  const search = (i: number, cost: number): void => {
    if (cost + (floorFrom[i] ?? 0) >= best) return;
    if (i === orders.length) {
      best = cost;
      bestAssignments = [...chosen];
      return;
    }
    const order = orders[i]!;
    for (const chain of feasibleChains(order, ledger)) {
      takeChain(ledger, order, chain);
      chosen.push(chain);
      search(i + 1, cost + chainCost(order, chain));
      chosen.pop();
      releaseChain(ledger, order, chain);
    }
    search(i + 1, cost + waitingCost(order, problem.capacity));
  };
  search(0, 0);

  return { assignments: bestAssignments, waiting: waitingOrders(problem, bestAssignments), objective: planObjective(problem, bestAssignments), solver: 'exhaustive', optimal: true };
}
