import type { Scenario } from '../scenario/scenario.js';
import type { PlanFunction } from '../twin/slot-chains/desk.js';

/**
 * The HiGHS planner for the twin, loaded once (its WebAssembly loads asynchronously; the twin then
 * calls it synchronously). Undefined while `src/planning/planner.ts` is not on this branch: the
 * comparison then leaves the planner's variant out and says so.
 */
export async function loadHighsPlanner(_scenario: Scenario): Promise<PlanFunction | undefined> {
  return undefined;
}
