import { beforeAll, describe, expect, it } from 'vitest';
import { exhaustivePlan } from '../../src/domain/planning/exhaustive.js';
import { greedyPlan } from '../../src/domain/planning/greedy.js';
import { planObjective } from '../../src/domain/planning/objective.js';
import { planViolations } from '../../src/domain/planning/plan-check.js';
import type { Plan, PlanningProblem } from '../../src/domain/planning/problem.js';
import { loadPlanner, type Planner } from '../../src/planning/planner.js';
import { MEDIUM, SMALL, randomProblem } from './random-problems.js';

let planner: Planner;
beforeAll(async () => {
  planner = await loadPlanner();
});

/** Generous: these tests prove what the solver answers, not how fast (the bench measures that). */
const TIME = { timeLimitMs: 60_000 };

function expectWellFormed(problem: PlanningProblem, plan: Plan): void {
  expect(planViolations(problem, plan.assignments)).toEqual([]);
  const assigned = plan.assignments.map((a) => a.orderId);
  expect(new Set(assigned).size).toBe(assigned.length);
  expect([...assigned, ...plan.waiting].sort()).toEqual(problem.orders.map((o) => o.orderId).sort());
  expect(plan.objective).toBeCloseTo(planObjective(problem, plan.assignments), 6);
}

describe('the planner on small instances', () => {
  const seeds = Array.from({ length: 60 }, (_, i) => 1000 + i);

  it('matches the exhaustive optimum and never loses to greedy', () => {
    let greedyBeaten = 0;
    for (const seed of seeds) {
      const shape = { ...SMALL, horizonDays: 9 + (seed % 5), orders: 3 + (seed % 4) };
      const problem = randomProblem(seed, shape);
      const best = exhaustivePlan(problem);
      const greedy = greedyPlan(problem);
      const plan = planner.plan(problem, TIME);
      expectWellFormed(problem, plan);
      expect(plan.objective, `seed ${seed}`).toBeLessThanOrEqual(best.objective * 1.01 + 1e-9);
      expect(plan.objective, `seed ${seed}`).toBeCloseTo(best.objective, 6);
      expect(plan.objective, `seed ${seed}`).toBeLessThanOrEqual(greedy.objective + 1e-9);
      if (best.objective < greedy.objective - 1e-9) greedyBeaten++;
    }
    // The instances are tight enough that greedy's lack of look-ahead shows (else this test proves little).
    expect(greedyBeaten).toBeGreaterThan(0);
  }, 120_000);

  it('says it proved its answer optimal', () => {
    const plan = planner.plan(randomProblem(7, SMALL), TIME);
    expect(plan).toMatchObject({ solver: 'highs', optimal: true });
  });

  it('finds the plan greedy misses when the heavy order takes the light one’s only line', () => {
    const routes = (ids: string[]) => ids.map((facilityId) => ({ facilityId, arrivalDays: 1, lineDays: 3, infusionDays: 2 }));
    const order = (orderId: string, weight: number, facilities: string[]) => ({ orderId, treatmentCenterId: 'tc', apheresisCenterId: 'ac', productId: 'p', orderedDay: 0, earliestCollectionDay: 0, weight, routes: routes(facilities) });
    const problem: PlanningProblem = {
      orders: [order('heavy', 2, ['fac-a', 'fac-b']), order('light', 1, ['fac-a'])],
      capacity: { horizonDays: 8, collections: { ac: [2, 2, 2, 2, 2, 2, 2, 2] }, chairs: { tc: [2, 2, 2, 2, 2, 2, 2, 2] }, lines: { 'fac-a': [1, 1, 1, 1, 0, 0, 0, 0], 'fac-b': [1, 1, 1, 1, 0, 0, 0, 0] } },
    };
    const plan = planner.plan(problem, TIME);
    expect(plan.waiting).toEqual([]);
    expect(plan.assignments.find((a) => a.orderId === 'heavy')?.facilityId).toBe('fac-b');
    expect(plan.objective).toBeLessThan(greedyPlan(problem).objective);
  });
});

describe('the planner’s constraints (seeded property)', () => {
  // A short budget on purpose: whether the solver proves its plan or is stopped, the plan keeps the rules.
  it('keeps every capacity, the chain rules and the horizon on bigger random instances', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const problem = randomProblem(seed, { ...MEDIUM, orders: 30 + seed * 5 });
      const plan = planner.plan(problem, { timeLimitMs: 1500 });
      expectWellFormed(problem, plan);
      expect(plan.objective, `seed ${seed}`).toBeLessThanOrEqual(greedyPlan(problem).objective + 1e-9);
      for (const a of plan.assignments) {
        const order = problem.orders.find((o) => o.orderId === a.orderId)!;
        const route = order.routes.find((r) => r.facilityId === a.facilityId)!;
        expect(a.lineStartDay).toBe(a.collectionDay + route.arrivalDays);
        expect(a.lineEndDay).toBe(a.lineStartDay + route.lineDays);
        expect(a.infusionDay).toBe(a.lineEndDay + route.infusionDays);
        expect(a.collectionDay).toBeGreaterThanOrEqual(Math.max(0, order.earliestCollectionDay));
        expect(a.infusionDay).toBeLessThan(problem.capacity.horizonDays);
      }
    }
  }, 120_000);
});

describe('the planner’s fallbacks', () => {
  it('falls back to the greedy plan, saying so, when the time limit leaves the solver no time', () => {
    const problem = randomProblem(3, MEDIUM);
    const plan = planner.plan(problem, { timeLimitMs: 0 });
    expect(plan).toMatchObject({ solver: 'greedy', optimal: false });
    expect(plan.note).toMatch(/time limit/);
    expect(plan.objective).toBe(greedyPlan(problem).objective);
  });

  it('lets every order wait when no chain fits the horizon', () => {
    const problem = randomProblem(3, { ...SMALL, horizonDays: 2 });
    const plan = planner.plan(problem, TIME);
    expect(plan.assignments).toEqual([]);
    expect(plan.waiting).toHaveLength(problem.orders.length);
  });
});
