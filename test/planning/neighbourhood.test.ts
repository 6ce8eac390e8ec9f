import { describe, expect, it } from 'vitest';
import { greedyPlan } from '../../src/domain/planning/greedy.js';
import { buildPlanningMip } from '../../src/planning/mip-model.js';
import { neighbourhood } from '../../src/planning/neighbourhood.js';
import { MEDIUM, randomProblem } from './random-problems.js';

describe('neighbourhood', () => {
  const problem = randomProblem(5, MEDIUM);
  const mip = buildPlanningMip(problem, greedyPlan(problem));
  // Made-up reduced costs 0 … 4 and the greedy plan as the incumbent.
  const reducedCost = Array.from({ length: mip.numCols }, (_, j) => j % 5);
  const incumbent = mip.start!;
  const kept = (n: ReturnType<typeof neighbourhood>) => mip.chainColumns.filter((y) => n.keep(y.cls, y.chain)).map((y) => y.col);

  it('keeps exactly the chains within the gap and the incumbent’s, and says it is exact', () => {
    const around = neighbourhood(mip, reducedCost, incumbent, 2, Infinity);
    expect(around.exact).toBe(true);
    expect(kept(around)).toEqual(mip.chainColumns.filter((y) => reducedCost[y.col]! <= 2 || incumbent[y.col]! > 0).map((y) => y.col));
    expect(around.columns).toBe(kept(around).length);
  });

  it('keeps only the chains priced at zero and the incumbent’s when the gap holds too many, and says it is not exact', () => {
    const around = neighbourhood(mip, reducedCost, incumbent, 2, 10);
    expect(around.exact).toBe(false);
    expect(kept(around)).toEqual(mip.chainColumns.filter((y) => reducedCost[y.col] === 0 || incumbent[y.col]! > 0).map((y) => y.col));
  });

  it('keeps every chain of a restricted model it is asked about again: a rebuilt model has the same columns', () => {
    const around = neighbourhood(mip, reducedCost, incumbent, 2, Infinity);
    const restricted = buildPlanningMip(problem, greedyPlan(problem), around.keep);
    expect(restricted.chainColumns).toHaveLength(around.columns);
    // The incumbent is a plan of the restricted model too, so branch-and-cut on it never loses it.
    expect(restricted.startOf(mip.decode(incumbent))).toBeDefined();
  });
});
