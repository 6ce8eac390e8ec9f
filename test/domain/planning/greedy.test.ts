import { describe, expect, it } from 'vitest';
import { greedyPlan } from '../../../src/domain/planning/greedy.js';
import { planViolations } from '../../../src/domain/planning/plan-check.js';
import { capacity, order, problem } from './fixtures.js';

describe('greedyPlan', () => {
  it('gives the heaviest order the earliest chain and spends the capacity it took', () => {
    const p = problem([order('light', { weight: 1 }), order('heavy', { weight: 5 })], capacity(12));
    const plan = greedyPlan(p);
    expect(plan.assignments.map((a) => [a.orderId, a.infusionDay])).toEqual([['heavy', 6], ['light', 9]]);
    expect(plan.waiting).toEqual([]);
    expect(plan.objective).toBe(5 * 6 + 1 * 9);
    expect(planViolations(p, plan.assignments)).toEqual([]);
  });

  it('breaks equal weights by the earlier order, then the order id', () => {
    const p = problem([order('b', { orderedDay: -1 }), order('a', { orderedDay: -1 }), order('c', { orderedDay: -2 })], capacity(16));
    expect(greedyPlan(p).assignments.map((a) => a.orderId)).toEqual(['c', 'a', 'b']);
  });

  it('leaves an order waiting when nothing is left, at the waiting cost', () => {
    const p = problem([order('a'), order('b')], capacity(7));
    const plan = greedyPlan(p);
    expect(plan.assignments.map((a) => a.orderId)).toEqual(['a']);
    expect(plan.waiting).toEqual(['b']);
    expect(plan.objective).toBe(6 + 7);
    expect(plan).toMatchObject({ solver: 'greedy', optimal: false });
  });

  it('does not touch the problem it was given', () => {
    const p = problem([order('a'), order('b')], capacity(12));
    const before = JSON.stringify(p);
    greedyPlan(p);
    expect(JSON.stringify(p)).toBe(before);
  });

  it('can lose to a better plan: it knows no look-ahead', () => {
    // heavy could use fac-a or fac-b; light only fac-a. Greedy gives heavy fac-a (its id sorts first) on the only good day.
    const routes = (ids: string[]) => ids.map((facilityId) => ({ facilityId, arrivalDays: 1, lineDays: 3, infusionDays: 2 }));
    const cap = capacity(8, 2, { lines: { 'fac-a': [1, 1, 1, 1, 0, 0, 0, 0], 'fac-b': [1, 1, 1, 1, 0, 0, 0, 0] } });
    const p = problem([order('heavy', { weight: 2, routes: routes(['fac-a', 'fac-b']) }), order('light', { routes: routes(['fac-a']) })], cap);
    const plan = greedyPlan(p);
    expect(plan.assignments.map((a) => [a.orderId, a.facilityId])).toEqual([['heavy', 'fac-a']]);
    expect(plan.waiting).toEqual(['light']);
  });
});
