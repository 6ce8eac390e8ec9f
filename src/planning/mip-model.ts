import { chainCost, chainOf, feasibleChains, freeOn, waitingCost, type Chain } from '../domain/planning/feasible-chains.js';
import type { ChainAssignment, Plan, PlanningOrder, PlanningProblem } from '../domain/planning/problem.js';
import { orderClasses, type OrderClass } from './order-classes.js';
import { SiteDayRows } from './site-day-rows.js';
import { RowBounds, SparseColumns } from './sparse-columns.js';

/**
 * The planning problem as a mixed-integer program, in solver-neutral arrays:
 *  - y[j] (integer): how many orders of one class take chain j; the class's orders that take
 *    none wait (the class row's slack is the waiting count), so the objective is the constant
 *    Σ waiting cost plus, per y, weight × (infusionDay − horizonDays) < 0.
 *  - s[m] (continuous, integral by the link row): chains starting on one facility on one day with
 *    one line length. A line-day row lists these few starts, not every class's every chain.
 * Rows: each class ≤ its orders; collections per (centre, day); chairs per (centre, day); a link
 * s = Σ y per start; lines per (facility, day) over the starts whose window covers the day.
 * Chains that cannot beat the incumbent are left out (see `cannotBeatIncumbent`).
 */
export interface PlanningMip {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  matrix: { format: 'csc'; numRows: number; numCols: number; starts: Int32Array; indices: Int32Array; values: Float64Array };
  /** 1 for y (integer), 0 for s. */
  integrality: Int32Array;
  offset: number;
  /** The incumbent as a start vector, when every one of its chains is in the model. */
  start: Float64Array | undefined;
  /** Any plan's assignments as a column vector, or undefined if one of its chains is not a column. */
  startOf(assignments: readonly ChainAssignment[]): Float64Array | undefined;
  /** Decodes a column vector into assignments (rounding y to whole chains). */
  decode(colValue: ArrayLike<number>): ChainAssignment[];
  /** The order classes, and the y columns: which class takes which chain (the s columns are implied). */
  classes: readonly OrderClass[];
  chainColumns: readonly ChainColumn[];
  /** Chains enumerated, and how many were left out by the incumbent bound. */
  stats: { chains: number; pruned: number; classes: number };
}

/**
 * The sound pruning rule. LB = Σ over orders of its cheapest chain's cost (capacity shared by no
 * one) is a lower bound on every plan. A plan that gives order o chain k costs at least
 * LB − cheapest(o) + cost(o, k); if that exceeds the incumbent's objective, no plan using k beats the
 * incumbent, and the incumbent stays feasible (its own chains pass the test), so the optimum of the
 * pruned model is the optimum of the whole problem.
 */
function cannotBeatIncumbent(lowerBound: number, cheapestOfOrder: number, costOfChain: number, incumbent: number): boolean {
  const tolerance = 1e-9 * Math.max(1, Math.abs(incumbent));
  return lowerBound - cheapestOfOrder + costOfChain > incumbent + tolerance;
}

/** A y column: `col` counts the orders of class `cls` (an index into `classes`) that take `chain`. */
export interface ChainColumn {
  col: number;
  cls: number;
  chain: Chain;
}

/** The model of `problem`; with `keep`, only the chains it keeps (a neighbourhood: see neighbourhood.ts). */
export function buildPlanningMip(problem: PlanningProblem, incumbent: Plan, keep?: (cls: number, chain: Chain) => boolean): PlanningMip {
  const { capacity } = problem;
  const classes = orderClasses(problem.orders);
  const chainsOf = classes.map((c) => feasibleChains(c.representative, capacity));
  // Per order, not per class: a class's orders differ in orderedDay, which shifts every cost they have.
  const cheapest = (o: PlanningOrder, chains: readonly ChainAssignment[]) => (chains[0] ? chainCost(o, chains[0]) : waitingCost(o, capacity));
  const lowerBound = classes.reduce((sum, cls, i) => sum + cls.orders.reduce((s, o) => s + cheapest(o, chainsOf[i]!), 0), 0);
  const cheapestOfRepresentative = classes.map((cls, i) => cheapest(cls.representative, chainsOf[i]!));

  const rows = new RowBounds();
  const cols = new SparseColumns();
  const collectionRows = new SiteDayRows(capacity.horizonDays);
  const chairRows = new SiteDayRows(capacity.horizonDays);
  const linkRows = new SiteDayRows(capacity.horizonDays);
  const lineRows = new SiteDayRows(capacity.horizonDays);
  const ys: ChainColumn[] = [];
  const starts: { facilityId: string; day: number; lineDays: number; link: number; ys: number[] }[] = [];
  let pruned = 0;
  let offset = 0;

  classes.forEach((cls, i) => {
    const rep = cls.representative;
    const n = cls.orders.length;
    offset += cls.orders.reduce((sum, o) => sum + waitingCost(o, capacity), 0);
    const classRow = rows.upTo(n);
    for (const chain of chainsOf[i]!.map(chainOf)) {
      if (keep && !keep(i, chain)) continue;
      if (cannotBeatIncumbent(lowerBound, cheapestOfRepresentative[i]!, chainCost(rep, chain), incumbent.objective)) { pruned++; continue; }
      const collections = freeOn(capacity.collections, rep.apheresisCenterId, chain.collectionDay);
      const chairs = freeOn(capacity.chairs, rep.treatmentCenterId, chain.infusionDay);
      const lineDays = chain.lineEndDay - chain.lineStartDay;
      const col = cols.add(rep.weight * (chain.infusionDay - capacity.horizonDays), 0, Math.min(n, collections, chairs), 1);
      cols.entry(classRow, 1);
      cols.entry(collectionRows.get(rep.apheresisCenterId, 0, chain.collectionDay, () => rows.upTo(collections)), 1);
      cols.entry(chairRows.get(rep.treatmentCenterId, 0, chain.infusionDay, () => rows.upTo(chairs)), 1);
      const link = linkRows.get(chain.facilityId, lineDays, chain.lineStartDay, () => {
        starts.push({ facilityId: chain.facilityId, day: chain.lineStartDay, lineDays, link: rows.exactly(0), ys: [] });
        return starts.length - 1;
      });
      starts[link]!.ys.push(col);
      cols.entry(starts[link]!.link, 1);
      ys.push({ col, cls: i, chain });
    }
  });
  const sCols = starts.map((start) => {
    const col = cols.add(0, 0, Infinity, 0);
    cols.entry(start.link, -1);
    for (let d = start.day; d < start.day + start.lineDays; d++) {
      cols.entry(lineRows.get(start.facilityId, 0, d, () => rows.upTo(freeOn(capacity.lines, start.facilityId, d))), 1);
    }
    return col;
  });

  return {
    numCols: cols.count,
    numRows: rows.count,
    colCost: cols.cost(),
    colLower: cols.lower(),
    colUpper: cols.upper(),
    rowLower: rows.lower(),
    rowUpper: rows.upper(),
    matrix: cols.csc(rows.count),
    integrality: cols.integrality(),
    offset,
    start: startVector(incumbent.assignments, classes, ys, starts, sCols, cols.count),
    startOf: (assignments) => startVector(assignments, classes, ys, starts, sCols, cols.count),
    classes,
    chainColumns: ys,
    stats: { chains: ys.length + pruned, pruned, classes: classes.length },
    decode(colValue) {
      const taken = classes.map(() => [] as Chain[]);
      for (const { col, cls, chain } of ys) {
        for (let k = Math.round(colValue[col] ?? 0); k > 0; k--) taken[cls]!.push(chain);
      }
      return classes.flatMap((cls, i) => {
        const chains = taken[i]!.sort((a, b) => a.infusionDay - b.infusionDay || a.collectionDay - b.collectionDay);
        return chains.slice(0, cls.orders.length).map((chain, k) => ({ orderId: cls.orders[k]!.orderId, ...chain }));
      });
    },
  };
}

const sameChain = (a: Chain, b: Chain) =>
  a.collectionDay === b.collectionDay && a.facilityId === b.facilityId && a.lineStartDay === b.lineStartDay && a.lineEndDay === b.lineEndDay && a.infusionDay === b.infusionDay;

/** A plan's chains as y and s values, or undefined if one of its chains is not a column. */
function startVector(
  assignments: readonly ChainAssignment[],
  classes: OrderClass[],
  ys: readonly ChainColumn[],
  starts: readonly { ys: number[] }[],
  sCols: readonly number[],
  numCols: number,
): Float64Array | undefined {
  const classOf = new Map(classes.flatMap((cls, i) => cls.orders.map((o) => [o.orderId, i] as const)));
  const colsOfClass = classes.map(() => [] as { col: number; chain: Chain }[]);
  for (const y of ys) colsOfClass[y.cls]!.push(y);
  const x = new Float64Array(numCols);
  for (const assignment of assignments) {
    const chain = chainOf(assignment);
    const y = colsOfClass[classOf.get(assignment.orderId) ?? -1]?.find((c) => sameChain(c.chain, chain));
    if (!y) return undefined;
    x[y.col]! += 1;
  }
  starts.forEach((start, k) => {
    x[sCols[k]!] = start.ys.reduce((sum, col) => sum + x[col]!, 0);
  });
  return x;
}
