import { describe, expect, it } from 'vitest';
import { exhaustivePlan } from '../../../src/domain/planning/exhaustive.js';
import { greedyPlan } from '../../../src/domain/planning/greedy.js';
import { planViolations } from '../../../src/domain/planning/plan-check.js';
import { capacity, order, problem } from './fixtures.js';

describe('exhaustivePlan (the reference optimum)', () => {
  it('finds the plan greedy misses: the heavy order on the other line, both served', () => {
    const routes = (ids: string[]) => ids.map((facilityId) => ({ facilityId, arrivalDays: 1, lineDays: 3, infusionDays: 2 }));
    const cap = capacity(8, 2, { lines: { 'fac-a': [1, 1, 1, 1, 0, 0, 0, 0], 'fac-b': [1, 1, 1, 1, 0, 0, 0, 0] } });
    const p = problem([order('heavy', { weight: 2, routes: routes(['fac-a', 'fac-b']) }), order('light', { routes: routes(['fac-a']) })], cap);
    const best = exhaustivePlan(p);
    expect(best).toMatchObject({ solver: 'exhaustive', optimal: true, waiting: [], objective: 2 * 6 + 6 });
    expect(best.objective).toBeLessThan(greedyPlan(p).objective);
    expect(planViolations(p, best.assignments)).toEqual([]);
  });

  it('refuses more orders than it can search', () => {
    const p = problem(Array.from({ length: 9 }, (_, i) => order(`o${i}`)), capacity(10));
    expect(() => exhaustivePlan(p)).toThrow(/at most 8 orders/);
  });
});
