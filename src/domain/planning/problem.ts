/**
 * The capacity planning problem, in whole planning days: day 0 is the plan's first day and every
 * site's capacity is given per day of the horizon (the caller maps each site's local calendar days
 * onto plan days). A *slot chain* is a collection day at the apheresis centre, a line window at a
 * facility from the material's arrival through QC, and the infusion day the chain implies.
 *
 * The same problem is built by the API (from the database), by the twin (from its world) and by the
 * tests; the solver behind `src/planning/` and the greedy rule here answer it.
 */

/** One way a patient's cells can go: a facility, and the chain's fixed offsets through it. */
export interface ChainRoute {
  facilityId: string;
  /**
   * Collection day → the day manufacturing starts on a line. Fresh material starts the day it
   * arrives (its stability window allows no wait), so this is the outbound transit, in days.
   */
  arrivalDays: number;
  /** Days the line is held: every manufacturing step plus QC. */
  lineDays: number;
  /** Line free → infusion day: return transit, the LD course and the rest before infusion. */
  infusionDays: number;
}

export interface PlanningOrder {
  orderId: string;
  treatmentCenterId: string;
  apheresisCenterId: string;
  productId: string;
  /** The day the order was placed (negative for an order already waiting when the plan starts). */
  orderedDay: number;
  /** The first day the patient can be collected (e.g. after a washout, or a slipped collection). */
  earliestCollectionDay: number;
  /** What one day of this patient's wait costs, from the allocation policy (policy.ts). */
  weight: number;
  /** The facilities its cells may go to; empty means no chain is possible. */
  routes: ChainRoute[];
}

/** Free capacity per plan day (already-booked chains and maintenance blocks taken off by the caller). */
export interface PlanningCapacity {
  /** Days 0 … horizonDays − 1 are plannable; a chain's every step must fall inside them. */
  horizonDays: number;
  /** Collections per day at each apheresis centre (0 on a closed day or a holiday). */
  collections: Record<string, readonly number[]>;
  /** Free lines per day at each facility. */
  lines: Record<string, readonly number[]>;
  /** Free infusion chairs per day at each treatment centre. */
  chairs: Record<string, readonly number[]>;
}

export interface PlanningProblem {
  orders: readonly PlanningOrder[];
  capacity: PlanningCapacity;
}

/** One booked chain. The line is held on days lineStartDay … lineEndDay − 1. */
export interface ChainAssignment {
  orderId: string;
  collectionDay: number;
  facilityId: string;
  lineStartDay: number;
  lineEndDay: number;
  infusionDay: number;
}

export const PLAN_SOLVERS = ['highs', 'greedy', 'exhaustive'] as const;
export type PlanSolver = (typeof PLAN_SOLVERS)[number];

export interface Plan {
  assignments: ChainAssignment[];
  /** Orders with no chain inside the horizon: they wait. */
  waiting: string[];
  /** Σ weight × days from order to infusion; a waiting order counts as infused the day after the horizon's last possible infusion. */
  objective: number;
  solver: PlanSolver;
  /** True when the solver proved the plan optimal (the greedy rule never claims it). */
  optimal: boolean;
  /** A proven lower bound on the objective, when a solver found one (objective − bound is the gap). */
  bound?: number;
  /** Why the plan came from where it did, when not plainly from the solver (a time-out, a failure). */
  note?: string;
}
