import { describe, expect, it } from 'vitest';
import { evaluateMaintenanceBaselines } from '../../../src/forecast/maintenance/evaluation.js';
import { effectiveAgeDays } from '../../../src/forecast/maintenance/twin-hazard.js';
import { unitHistories } from '../../../src/forecast/maintenance/unit-history.js';
import { simulate } from '../../../src/sim/twin/simulate.js';
import { baselineScenario } from '../../sim/twin-fixtures.js';
import { at, failure, unit } from './unit-series.js';

describe('maintenance baselines on twin history', () => {
  it('the threshold rule fitted on older days ranks newer failures far better than chance', () => {
    const scenario = baselineScenario();
    // Four networks of ~60 units over five months: a few hundred units, each seed its own fleet.
    for (const seed of [11, 12, 13, 14]) {
      const result = simulate(scenario, { seed, years: 0.4, telemetry: true });
      const figures = evaluateMaintenanceBaselines(result, scenario.equipment);
      expect(figures.testRows).toBeGreaterThan(1000);
      expect(figures.testBaseRate).toBeGreaterThan(0);
      expect(figures.thresholdRule.prAuc).toBeGreaterThan(5 * figures.testBaseRate);
      expect(figures.thresholdRule.recall).toBeGreaterThan(0.5);
      expect(figures.twinHazard!.prAuc).toBeGreaterThan(0);
    }
  }, 30_000);
});

describe('the twin’s effective age, rebuilt from the records', () => {
  const p = { ...baselineScenario().equipment.bioreactor, repairRestores: 0.5 };
  const start = Date.parse('2027-01-01T00:00:00.000Z');
  const history = unitHistories({ equipment: [unit], telemetry: [], maintenance: failure(10) }).get(unit.id)!;

  it('grows a day a day from the age at the start, stops while down and loses the repair’s share', () => {
    expect(effectiveAgeDays(history, p, start, start)).toBe(100);
    expect(effectiveAgeDays(history, p, start, Date.parse(at(10)))).toBe(110.5);
    expect(effectiveAgeDays(history, p, start, Date.parse(at(11)))).toBe(110.5);
    // Repaired at the end of day 11: half of 110.5, then one more day.
    expect(effectiveAgeDays(history, p, start, Date.parse(at(12, 24)))).toBeCloseTo(110.5 / 2 + 1, 9);
  });
});
