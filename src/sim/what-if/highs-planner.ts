import { loadPlanner } from '../../planning/planner.js';
import type { Scenario } from '../scenario/scenario.js';
import type { PlanFunction } from '../twin/slot-chains/desk.js';

/** The solver's budget per planning run when the scenario does not set one, ms. */
const DEFAULT_TIME_LIMIT_MS = 2000;

/**
 * The HiGHS planner for the twin, loaded once (its WebAssembly loads asynchronously; the twin then
 * calls it synchronously between two events). Its time limit is wall-clock: a run that hits it
 * falls back to the greedy plan, so a HiGHS twin is reproducible only while no run times out.
 */
export async function loadHighsPlanner(scenario: Scenario): Promise<PlanFunction> {
  const planner = await loadPlanner();
  const timeLimitMs = scenario.allocation?.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  return (problem) => planner.plan(problem, { timeLimitMs });
}
