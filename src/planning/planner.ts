import * as highsPackage from 'highs';
import type { Highs, Model } from 'highs';
import { greedyPlan } from '../domain/planning/greedy.js';
import { planObjective, waitingOrders } from '../domain/planning/objective.js';
import { planViolations } from '../domain/planning/plan-check.js';
import type { Plan, PlanningProblem } from '../domain/planning/problem.js';
import { buildPlanningMip, type PlanningMip } from './mip-model.js';

/**
 * The planner: the capacity-planning MIP solved by HiGHS (compiled to WebAssembly, so no native
 * add-on and no solver process), started from the greedy plan and never returning anything worse.
 * Loading compiles the WebAssembly once; `plan` is synchronous after that, so the twin's
 * discrete-event loop can call it between two events.
 */
export interface PlanOptions {
  /** Wall-clock budget for building and solving, in ms (default 1500); the greedy plan is the answer when it runs out. */
  timeLimitMs?: number;
}

export interface Planner {
  plan(problem: PlanningProblem, options?: PlanOptions): Plan;
}

export const DEFAULT_TIME_LIMIT_MS = 1500;

// The package declares its types as CommonJS (so the type checker sees the loader one `default`
// deeper), while Node and Vite load its ES module build, whose default export is the loader itself.
const loadHighs = highsPackage.default as unknown as typeof highsPackage.default.default;

let runtime: Promise<Highs> | undefined;

/** Loads HiGHS once per process; later calls share it. A failed load is retried on the next call. */
export function loadPlanner(): Promise<Planner> {
  const loading = (runtime ??= loadHighs().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  }));
  return loading.then((highs) => ({ plan: (problem, options) => planWith(highs, problem, options ?? {}) }));
}

function planWith(highs: Highs, problem: PlanningProblem, options: PlanOptions): Plan {
  const started = performance.now();
  const budgetMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const greedy = greedyPlan(problem);
  const mip = buildPlanningMip(problem, greedy);
  if (mip.numCols === 0) return { ...greedy, note: 'no feasible chain in the horizon: every order waits' };
  const leftSeconds = (budgetMs - (performance.now() - started)) / 1000;
  if (leftSeconds <= 0) return { ...greedy, note: 'time limit reached while building the model' };
  try {
    return solve(highs, problem, mip, greedy, leftSeconds);
  } catch (error) {
    return { ...greedy, note: `solver failed (${error instanceof Error ? error.message : String(error)}): greedy plan` };
  }
}

const finite = (highs: Highs, xs: Float64Array) => xs.map((x) => (x === Infinity ? highs.infinity : x === -Infinity ? -highs.infinity : x));

function solve(highs: Highs, problem: PlanningProblem, mip: PlanningMip, greedy: Plan, timeLimitSeconds: number): Plan {
  const model = highs.createModel({
    numCols: mip.numCols,
    numRows: mip.numRows,
    colCost: mip.colCost,
    colLower: mip.colLower,
    colUpper: finite(highs, mip.colUpper),
    rowLower: finite(highs, mip.rowLower),
    rowUpper: finite(highs, mip.rowUpper),
    matrix: mip.matrix,
    integrality: mip.integrality,
    offset: mip.offset,
  });
  try {
    const outcome = relaxationThenMip(highs, model, mip, timeLimitSeconds);
    if (!outcome.colValue) return { ...greedy, note: `solver found no plan (${outcome.stoppedBy}): greedy plan` };
    const assignments = mip.decode(outcome.colValue);
    const broken = planViolations(problem, assignments);
    if (broken.length > 0) return { ...greedy, note: `solver's plan broke ${broken.length} rule(s), e.g. ${broken[0]}: greedy plan` };
    const objective = planObjective(problem, assignments);
    const withBound = outcome.bound !== undefined ? { bound: outcome.bound } : {};
    // Never worse than greedy on its own objective: a time-out may leave the start as the best.
    if (objective > greedy.objective) return { ...greedy, ...withBound, note: `solver did not improve on the greedy plan (${outcome.stoppedBy})` };
    return {
      assignments,
      waiting: waitingOrders(problem, assignments),
      objective,
      solver: 'highs',
      optimal: outcome.proved,
      ...withBound,
      ...(outcome.proved ? {} : { note: `stopped by ${outcome.stoppedBy} before proving optimality` }),
    };
  } finally {
    model.dispose();
  }
}

interface SolveOutcome {
  colValue: Float64Array | undefined;
  proved: boolean;
  bound: number | undefined;
  stoppedBy: string;
}

/**
 * The LP relaxation first: on these models it is often integral already (line windows are
 * intervals), and an integral LP optimum is a proven MIP optimum at a fraction of branch-and-cut's
 * set-up cost. Only a fractional one goes on to the MIP, started from the greedy plan, in the time
 * left (HiGHS's time limit counts across both runs). Presolve is off: on these models it removes
 * almost nothing and costs seconds.
 */
function relaxationThenMip(highs: Highs, model: Model, mip: PlanningMip, timeLimitSeconds: number): SolveOutcome {
  const status = highs.constants.modelStatus;
  const stoppedBy = (code: number) => (code === status.timeLimit ? 'the time limit' : `HiGHS status ${code}`);
  model.options.set({ output_flag: false, presolve: 'off', time_limit: timeLimitSeconds, random_seed: 0, solver: 'simplex' });
  const lp = model.run().modelStatus;
  if (lp !== status.optimal) return { colValue: undefined, proved: false, bound: undefined, stoppedBy: stoppedBy(lp) };
  const relaxed = model.getSolution().colValue;
  if (isIntegral(relaxed, mip.integrality)) return { colValue: relaxed, proved: true, bound: model.getObjectiveValue(), stoppedBy: 'an integral relaxation' };

  // Gaps tight enough that "optimal" means optimal, not "within 0.01 %".
  model.options.set({ solver: 'choose', mip_rel_gap: 1e-6, mip_abs_gap: 1e-6 });
  if (mip.start) model.setSolution({ colValue: mip.start });
  const code = model.run().modelStatus;
  const hasSolution = model.info.get('primal_solution_status') === 2;
  const bound = Number(model.info.get('mip_dual_bound'));
  return {
    colValue: hasSolution ? model.getSolution().colValue : undefined,
    proved: code === status.optimal,
    bound: Number.isFinite(bound) ? bound : undefined,
    stoppedBy: stoppedBy(code),
  };
}

function isIntegral(x: ArrayLike<number>, integrality: Int32Array): boolean {
  for (let j = 0; j < integrality.length; j++) {
    if (integrality[j] === 1 && Math.abs(x[j]! - Math.round(x[j]!)) > 1e-6) return false;
  }
  return true;
}
