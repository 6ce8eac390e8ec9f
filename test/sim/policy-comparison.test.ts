import { describe, expect, it } from 'vitest';
import { ScenarioError, parseScenario } from '../../src/sim/scenario/load-scenario.js';
import { linesForP90Wait, withTotalLines } from '../../src/sim/what-if/lines-sweep.js';
import { comparePolicies, POLICY_VARIANTS } from '../../src/sim/what-if/policy-comparison.js';
import { formatPolicyTable } from '../../src/sim/what-if/policy-report.js';
import { baselineJson, baselineScenario } from './twin-fixtures.js';

const quarter = { seed: 2, seeds: 1, years: 0.25 };

describe('the what-if compares allocation policies on the same demand', () => {
  it('runs each policy on the same patients and prints every figure as a ratio to first at the door', { timeout: 30_000 }, () => {
    const scenario = { ...baselineScenario(), demandMultiplier: 1.3 };
    const results = comparePolicies(scenario, { ...quarter, variants: POLICY_VARIANTS.filter((v) => v.allocation.planner !== 'highs') });
    expect(results.map((r) => r.variant.id)).toEqual(['first-at-the-door', 'slot-chain-greedy', 'urgency', 'fair-share']);
    // Same seed, same enrolments: every policy sees the same patients.
    expect(new Set(results.map((r) => r.figures.patients)).size).toBe(1);
    const [today, chain] = results;
    expect(chain!.figures.veinToVeinP90!).toBeLessThan(today!.figures.veinToVeinP90!);
    expect(chain!.figures.batchesThatWaited).toBeLessThan(today!.figures.batchesThatWaited);
    const table = formatPolicyTable(results, 'USD');
    expect(table).toMatch(/vein to vein, P90 +[\d.]+ d +[\d.]+ d \(0\.\d\d\)/);
  });

  it('finds the fewest lines that keep the P90 wait within a bound: one line fewer does not', { timeout: 60_000 }, () => {
    const scenario = { ...baselineScenario(), demandMultiplier: 1.3 };
    const variant = POLICY_VARIANTS.find((v) => v.id === 'slot-chain-greedy')!;
    const sweep = linesForP90Wait(scenario, 55, { ...quarter, variant });
    expect(sweep.lines).toBeDefined();
    const p90 = (lines: number) => sweep.steps.find((s) => s.lines === lines)?.orderToInfusionP90;
    expect(p90(sweep.lines!)!).toBeLessThanOrEqual(55);
    expect(p90(sweep.lines! - 1)!).toBeGreaterThan(55);
  });

  it('shares a line count among the facilities in proportion, keeping their spare bioreactors', () => {
    const more = withTotalLines(baselineScenario(), 30);
    expect(more.network.facilities.map((f) => f.lines)).toEqual([9, 9, 12]);
    expect(more.network.facilities.map((f) => f.bioreactors - f.lines)).toEqual([2, 2, 2]);
  });

  it('rejects an allocation that names an unknown policy or tiers that do not add up, naming the field', () => {
    const bad = (allocation: unknown) => {
      try {
        parseScenario({ ...baselineJson(), allocation });
        return [];
      } catch (error) {
        return (error as ScenarioError).problems;
      }
    };
    expect(bad({ mode: 'slot-chain', policyId: 'loudest-first' })).toEqual([expect.stringMatching(/^allocation\.policyId: not a built-in policy; built in: first-come/)]);
    const tiers = { standard: { share: 0.5, hazardMultiplier: 1 }, urgent: { share: 0.2, hazardMultiplier: 2 }, critical: { share: 0.1, hazardMultiplier: 4 } };
    expect(bad({ mode: 'slot-chain', tiers })).toEqual(['allocation.tiers: the tiers’ shares must add up to 1']);
    expect(bad({ mode: 'first-at-the-door' })).toEqual([]);
  });
});
