import type { ChainRoute, PlanningOrder, PlanningProblem } from '../../src/domain/planning/problem.js';
import { prng } from '../domain/prng.js';

/** Random planning problems from a seed, so a failing case replays from its seed. */
export interface ProblemShape {
  orders: number;
  horizonDays: number;
  apheresisCentres: number;
  treatmentCentres: number;
  facilities: number;
  /** Free units per site-day are drawn from 0 … maxFree (a 0 is a closed day or a line down). */
  maxFree: number;
  /** Longest line hold; short holds keep small horizons busy. */
  maxLineDays: number;
}

export const SMALL: ProblemShape = { orders: 6, horizonDays: 12, apheresisCentres: 2, treatmentCentres: 2, facilities: 2, maxFree: 1, maxLineDays: 3 };
export const MEDIUM: ProblemShape = { orders: 60, horizonDays: 40, apheresisCentres: 3, treatmentCentres: 4, facilities: 3, maxFree: 2, maxLineDays: 8 };

export function randomProblem(seed: number, shape: ProblemShape): PlanningProblem {
  const random = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
  const acs = ids('ac', shape.apheresisCentres);
  const tcs = ids('tc', shape.treatmentCentres);
  const facs = ids('fac', shape.facilities);
  const table = (sites: string[]) => Object.fromEntries(sites.map((s) => [s, Array.from({ length: shape.horizonDays }, () => int(random() < 0.2 ? 0 : 1, shape.maxFree))]));
  // A few products, each with its own offsets per facility, so orders of one product compete alike.
  const products = Array.from({ length: 2 }, () =>
    facs.map((facilityId): ChainRoute => ({ facilityId, arrivalDays: int(0, 2), lineDays: int(1, shape.maxLineDays), infusionDays: int(0, 3) })),
  );
  const orders = Array.from({ length: shape.orders }, (_, i): PlanningOrder => {
    const product = int(0, products.length - 1);
    const routes = products[product]!.filter(() => random() < 0.7);
    return {
      orderId: `o-${String(i + 1).padStart(3, '0')}`,
      treatmentCenterId: pick(tcs),
      apheresisCenterId: pick(acs),
      productId: `p-${product + 1}`,
      orderedDay: -int(0, 10),
      earliestCollectionDay: int(-3, 4),
      weight: pick([1, 1, 1, 1.5, 2, 3]),
      routes,
    };
  });
  return { orders, capacity: { horizonDays: shape.horizonDays, collections: table(acs), lines: table(facs), chairs: table(tcs) } };
}
