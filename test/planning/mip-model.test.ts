import { describe, expect, it } from 'vitest';
import { greedyPlan } from '../../src/domain/planning/greedy.js';
import { buildPlanningMip } from '../../src/planning/mip-model.js';
import { capacity, order } from '../domain/planning/fixtures.js';
import { SMALL, randomProblem } from './random-problems.js';

describe('buildPlanningMip', () => {
  it('counts interchangeable orders as one class and keeps the greedy plan as a feasible start', () => {
    const problem = { orders: [order('a', { orderedDay: -3 }), order('b'), order('c', { weight: 2 })], capacity: capacity(14) };
    const mip = buildPlanningMip(problem, greedyPlan(problem));
    expect(mip.stats.classes).toBe(2);
    expect(mip.start).toBeDefined();
    // The start decodes back to a plan as good as greedy's.
    expect(mip.decode(mip.start!)).toHaveLength(greedyPlan(problem).assignments.length);
  });

  it('leaves out chains that cannot beat the greedy plan, never the greedy plan’s own', () => {
    let pruned = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const problem = randomProblem(seed, SMALL);
      const greedy = greedyPlan(problem);
      const mip = buildPlanningMip(problem, greedy);
      pruned += mip.stats.pruned;
      expect(mip.start, `seed ${seed}`).toBeDefined();
    }
    expect(pruned).toBeGreaterThan(0);
  });

  it('hands out a class’s chains earliest infusion first to its earlier orders', () => {
    const problem = { orders: [order('late', { orderedDay: -1 }), order('early', { orderedDay: -5 })], capacity: capacity(14) };
    const mip = buildPlanningMip(problem, greedyPlan(problem));
    const plan = mip.decode(mip.start!);
    const infusionOf = (id: string) => plan.find((a) => a.orderId === id)!.infusionDay;
    expect(infusionOf('early')).toBeLessThan(infusionOf('late'));
  });
});
