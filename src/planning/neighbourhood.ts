import type { Chain } from '../domain/planning/feasible-chains.js';
import type { PlanningMip } from './mip-model.js';

/**
 * The chain columns branch-and-cut keeps after a fractional relaxation, from the relaxation's
 * reduced costs. LP duality gives every plan x: objective(x) ≥ bound + Σ reducedCost[j] × x[j] over
 * the columns at their lower bound 0, so a chain whose reduced cost exceeds incumbent − bound is in
 * no plan better than the incumbent. Leaving those out is exact: the smaller model's optimum (and
 * its dual bound) is the whole model's. When the gap is wide that still keeps most of a large
 * model, and branch-and-cut on it cannot finish in a planner's budget; it then keeps only the chains
 * the relaxation is indifferent to (reduced cost 0, which includes every chain it uses) and the
 * incumbent's — a neighbourhood that finds better plans in a fraction of the time and proves nothing.
 */
export interface Neighbourhood {
  keep(cls: number, chain: Chain): boolean;
  /** True when the kept model has the whole model's optimum. */
  exact: boolean;
  columns: number;
}

/** Above `maxExactColumns` chain columns, an exact neighbourhood gives way to the relaxation's own. */
export function neighbourhood(mip: PlanningMip, reducedCost: ArrayLike<number>, incumbent: ArrayLike<number> | undefined, gap: number, maxExactColumns: number): Neighbourhood {
  // Above HiGHS's dual feasibility tolerance (1e-7): a chain kept too many costs time, one left out too many a proof.
  const tolerance = 1e-6 * Math.max(1, gap);
  const within = (limit: number) => mip.chainColumns.filter((y) => reducedCost[y.col]! <= limit + tolerance || (incumbent?.[y.col] ?? 0) > 0);
  let kept = within(gap);
  const exact = kept.length <= maxExactColumns;
  if (!exact) kept = within(0);
  const keys = new Set(kept.map((y) => chainKey(y.cls, y.chain)));
  return { keep: (cls, chain) => keys.has(chainKey(cls, chain)), exact, columns: kept.length };
}

const chainKey = (cls: number, c: Chain) => `${cls} ${c.facilityId} ${c.collectionDay} ${c.lineStartDay} ${c.lineEndDay} ${c.infusionDay}`;
