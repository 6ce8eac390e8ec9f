import { describe, expect, it } from 'vitest';
import { greedyPlan } from '../../src/domain/planning/greedy.js';
import { planObjective } from '../../src/domain/planning/objective.js';
import { planViolations } from '../../src/domain/planning/plan-check.js';
import { buildPlanningMip } from '../../src/planning/mip-model.js';
import { roundRelaxation } from '../../src/planning/relaxation-rounding.js';
import { prng } from '../domain/prng.js';
import { MEDIUM, randomProblem } from './random-problems.js';

describe('roundRelaxation', () => {
  it('turns any fractional vector into a plan that keeps every rule', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const problem = randomProblem(seed, MEDIUM);
      const mip = buildPlanningMip(problem, greedyPlan(problem));
      const random = prng(seed);
      // Not a relaxation's optimum, nor even feasible: the rounding must not trust its input.
      const x = Array.from({ length: mip.numCols }, () => (random() < 0.3 ? random() * 3 : 0));
      const plan = roundRelaxation(problem, mip, x);
      expect(planViolations(problem, plan), `seed ${seed}`).toEqual([]);
      expect(new Set(plan.map((a) => a.orderId)).size).toBe(plan.length);
    }
  });

  it('keeps an integral plan whole', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const problem = randomProblem(seed, MEDIUM);
      const greedy = greedyPlan(problem);
      const mip = buildPlanningMip(problem, greedy);
      expect(planObjective(problem, roundRelaxation(problem, mip, mip.start!)), `seed ${seed}`).toBeCloseTo(greedy.objective, 6);
    }
  });
});
