import * as highsPackage from 'highs';
import type { Highs, Model } from 'highs';
import { greedyPlan } from '../domain/planning/greedy.js';
import { planObjective, waitingOrders } from '../domain/planning/objective.js';
import { planViolations } from '../domain/planning/plan-check.js';
import type { ChainAssignment, Plan, PlanningProblem } from '../domain/planning/problem.js';
import { independentParts } from './components.js';
import { buildPlanningMip, type PlanningMip } from './mip-model.js';
import { neighbourhood } from './neighbourhood.js';
import { roundRelaxation } from './relaxation-rounding.js';

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
  const deadline = performance.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  // Smallest first: the time a small part leaves unused (its model often solves in tens of ms)
  // goes to the larger ones after it.
  const parts = independentParts(problem).sort((a, b) => a.orders.length - b.orders.length);
  if (parts.length === 0) return greedyPlan(problem);
  let ordersLeft = problem.orders.length;
  const plans = parts.map((part) => {
    // Each part gets the time left in proportion to its orders.
    const budgetMs = ((deadline - performance.now()) * part.orders.length) / Math.max(1, ordersLeft);
    ordersLeft -= part.orders.length;
    return planPart(highs, part, budgetMs);
  });
  if (plans.length === 1) return plans[0]!;
  const assignments = plans.flatMap((p) => p.assignments);
  const notes = [...new Set(plans.flatMap((p) => (p.note ? [p.note] : [])))];
  const bounds = plans.map((p) => p.bound ?? (p.optimal ? p.objective : undefined));
  return {
    assignments,
    waiting: waitingOrders(problem, assignments),
    objective: planObjective(problem, assignments),
    solver: plans.some((p) => p.solver === 'highs') ? 'highs' : 'greedy',
    optimal: plans.every((p) => p.optimal),
    ...(bounds.every((b) => b !== undefined) ? { bound: bounds.reduce((s, b) => s + b, 0) } : {}),
    ...(notes.length > 0 ? { note: `${plans.length} independent parts: ${notes.join('; ')}` } : {}),
  };
}

function planPart(highs: Highs, problem: PlanningProblem, budgetMs: number): Plan {
  const started = performance.now();
  const greedy = greedyPlan(problem);
  const mip = buildPlanningMip(problem, greedy);
  if (mip.numCols === 0) return { ...greedy, note: 'no feasible chain in the horizon: every order waits' };
  if (performance.now() - started >= budgetMs) return { ...greedy, note: 'time limit reached while building the model' };
  try {
    return solve(highs, problem, mip, greedy, started + budgetMs);
  } catch (error) {
    return { ...greedy, note: `solver failed (${error instanceof Error ? error.message : String(error)}): greedy plan` };
  }
}

const finite = (highs: Highs, xs: Float64Array) => xs.map((x) => (x === Infinity ? highs.infinity : x === -Infinity ? -highs.infinity : x));

function loadModel(highs: Highs, mip: PlanningMip): Model {
  return highs.createModel({
    numCols: mip.numCols,
    numRows: mip.numRows,
    colCost: mip.colCost,
    colLower: mip.colLower,
    colUpper: finite(highs, mip.colUpper),
    rowLower: finite(highs, mip.rowLower),
    rowUpper: finite(highs, mip.rowUpper),
    matrix: mip.matrix,
    offset: mip.offset,
  });
}

/** Seconds from now to `deadline` (a `performance.now()` instant): HiGHS's own clock starts at each run. */
const secondsTo = (deadline: number) => (deadline - performance.now()) / 1000;

/** Solves the model by `deadline`. */
function solve(highs: Highs, problem: PlanningProblem, mip: PlanningMip, greedy: Plan, deadline: number): Plan {
  const outcome = relaxationThenMip(highs, problem, mip, greedy, deadline);
  const withBound = outcome.bound !== undefined ? { bound: outcome.bound } : {};
  const { assignments } = outcome;
  if (!assignments) return { ...greedy, ...withBound, note: `solver found no plan (${outcome.stoppedBy}): greedy plan` };
  const broken = planViolations(problem, assignments);
  if (broken.length > 0) return { ...greedy, note: `solver's plan broke ${broken.length} rule(s), e.g. ${broken[0]}: greedy plan` };
  const objective = planObjective(problem, assignments);
  // Never worse than greedy on its own objective: a time-out may leave the start as the best.
  if (objective > greedy.objective) return { ...greedy, ...withBound, note: `solver did not improve on the greedy plan (${outcome.stoppedBy})` };
  return {
    assignments,
    waiting: waitingOrders(problem, assignments),
    objective,
    solver: 'highs',
    optimal: outcome.proved,
    ...withBound,
    ...(outcome.proved ? {} : { note: `not proved optimal (${outcome.stoppedBy})` }),
  };
}

interface SolveOutcome {
  assignments: ChainAssignment[] | undefined;
  proved: boolean;
  /** A lower bound on the whole model's objective. */
  bound: number | undefined;
  stoppedBy: string;
}

/**
 * The LP relaxation first: on these models it is often integral already (line windows are
 * intervals), and an integral LP optimum is a proven MIP optimum at a fraction of branch-and-cut's
 * set-up cost. A fractional one is rounded to a plan at once (see `roundRelaxation`), the answer if
 * it meets the relaxation's bound or no time is left; otherwise branch-and-cut goes on from the
 * better of it and the greedy plan, on the chains its reduced costs leave (see `neighbourhood`), in
 * the time left. Presolve is off: on these models it removes almost nothing and costs seconds. The
 * relaxation runs primal simplex: on the 500-order bench it takes half the time of the dual.
 */
function relaxationThenMip(highs: Highs, problem: PlanningProblem, mip: PlanningMip, greedy: Plan, deadline: number): SolveOutcome {
  const status = highs.constants.modelStatus;
  const model = loadModel(highs, mip);
  let relaxation: { colValue: Float64Array; colDual: Float64Array };
  let lpBound: number;
  const lpStarted = performance.now();
  try {
    const leftSeconds = secondsTo(deadline);
    if (leftSeconds <= 0) return { assignments: undefined, proved: false, bound: undefined, stoppedBy: 'the time limit, while handing the model to the solver' };
    model.options.set({ output_flag: false, presolve: 'off', time_limit: leftSeconds, random_seed: 0, simplex_strategy: PRIMAL_SIMPLEX });
    const lp = model.run().modelStatus;
    if (lp !== status.optimal) return { assignments: undefined, proved: false, bound: undefined, stoppedBy: stoppedBy(highs, lp) };
    relaxation = model.getSolution();
    lpBound = model.getObjectiveValue();
  } finally {
    model.dispose();
  }
  if (isIntegral(relaxation.colValue, mip.integrality)) return { assignments: mip.decode(relaxation.colValue), proved: true, bound: lpBound, stoppedBy: 'an integral relaxation' };

  let incumbent = better(mip, mip.startOf(roundRelaxation(problem, mip, relaxation.colValue)), mip.start);
  let how = 'a rounded relaxation';
  // Branch-and-cut starts with set-up HiGHS does not interrupt (cliques, symmetry), which costs
  // about what the relaxation did: with less time than that left, it would overrun the budget.
  const lpSeconds = (performance.now() - lpStarted) / 1000;
  // A neighbourhood that proves nothing narrows the gap for the exact one after it, which on a
  // long budget may be the whole model.
  for (const maxExactColumns of [EXACT_NEIGHBOURHOOD_MAX_COLUMNS, Infinity]) {
    const gap = incumbent ? objectiveOf(mip, incumbent) - lpBound : Infinity;
    const outcome = { assignments: incumbent && mip.decode(incumbent), proved: false, bound: lpBound };
    if (gap <= MIP_GAP * Math.max(1, Math.abs(lpBound))) return { ...outcome, proved: true, stoppedBy: `${how} at the relaxation's bound` };
    if (secondsTo(deadline) < lpSeconds) return { ...outcome, stoppedBy: `${how}; too little time left for branch-and-cut` };

    const around = neighbourhood(mip, relaxation.colDual, incumbent, gap, maxExactColumns);
    const restricted = buildPlanningMip(problem, greedy, around.keep);
    // A neighbourhood that proves nothing may still take long to prove its own optimum (its
    // relaxation is degenerate): it gets half the time left, the exact model after it the rest.
    const until = around.exact ? deadline : (performance.now() + deadline) / 2;
    const found = branchAndCut(highs, restricted, incumbent && restricted.startOf(mip.decode(incumbent)), until);
    const foundAssignments = found.colValue && restricted.decode(found.colValue);
    incumbent = better(mip, incumbent, foundAssignments && mip.startOf(foundAssignments));
    const which = around.exact ? `the ${around.columns} chains within the gap` : `${around.columns} of ${mip.chainColumns.length} chains, those the relaxation prices at zero`;
    how = `branch-and-cut on ${which}: ${stoppedBy(highs, found.code)}`;
    // Only an exact neighbourhood's proof and bound hold for the whole model.
    if (around.exact) {
      return {
        assignments: incumbent && mip.decode(incumbent),
        proved: found.proved,
        bound: found.bound !== undefined ? Math.max(found.bound, lpBound) : lpBound,
        stoppedBy: how,
      };
    }
  }
  throw new Error('unreachable: the last neighbourhood is exact');
}

/**
 * Above this many chain columns within the gap, the first branch-and-cut runs on the relaxation's
 * own neighbourhood instead: on the 500-order bench, 600 columns take a few hundred ms, 15,000 do
 * not finish in seconds.
 */
const EXACT_NEIGHBOURHOOD_MAX_COLUMNS = 1500;

function stoppedBy(highs: Highs, code: number): string {
  const status = highs.constants.modelStatus;
  return code === status.timeLimit ? 'stopped by the time limit' : code === status.optimal ? 'solved' : `HiGHS status ${code}`;
}

/** Branch-and-cut on `mip` from `start`, by `deadline`. */
function branchAndCut(highs: Highs, mip: PlanningMip, start: Float64Array | undefined, deadline: number) {
  const model = loadModel(highs, mip);
  try {
    model.changeColsIntegrality({ kind: 'range', from: 0, to: mip.numCols - 1 }, mip.integrality);
    // Gaps tight enough that "optimal" means optimal, not "within 0.01 %".
    model.options.set({ output_flag: false, presolve: 'off', time_limit: Math.max(0, secondsTo(deadline)), random_seed: 0, mip_rel_gap: MIP_GAP, mip_abs_gap: MIP_GAP });
    if (start) model.setSolution({ colValue: start });
    const code = model.run().modelStatus;
    const bound = Number(model.info.get('mip_dual_bound'));
    return {
      code,
      proved: code === highs.constants.modelStatus.optimal,
      colValue: model.info.get('primal_solution_status') === 2 ? model.getSolution().colValue : undefined,
      bound: Number.isFinite(bound) ? bound : undefined,
    };
  } finally {
    model.dispose();
  }
}

// HiGHS's `simplex_strategy` value for primal simplex.
const PRIMAL_SIMPLEX = 4;
const MIP_GAP = 1e-6;

function objectiveOf(mip: PlanningMip, x: ArrayLike<number>): number {
  let sum = mip.offset;
  for (let j = 0; j < mip.numCols; j++) sum += mip.colCost[j]! * x[j]!;
  return sum;
}

/** The cheaper of two column vectors, either possibly missing; `a` on a tie. */
function better(mip: PlanningMip, a: Float64Array | undefined, b: Float64Array | undefined): Float64Array | undefined {
  if (!a || !b) return a ?? b;
  return objectiveOf(mip, b) < objectiveOf(mip, a) ? b : a;
}

function isIntegral(x: ArrayLike<number>, integrality: Int32Array): boolean {
  for (let j = 0; j < integrality.length; j++) {
    if (integrality[j] === 1 && Math.abs(x[j]! - Math.round(x[j]!)) > 1e-6) return false;
  }
  return true;
}
