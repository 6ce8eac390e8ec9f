import type { Scenario } from '../scenario/scenario.js';
import type { PlanFunction } from '../twin/slot-chains/desk.js';
import { comparePolicies, type PolicyVariant } from './policy-comparison.js';

export interface LinesSweepOptions {
  seed: number;
  seeds: number;
  years?: number;
  /** The allocation the network runs under (the slot chain with the greedy rule, unless told). */
  variant: PolicyVariant;
  highs?: PlanFunction;
  onStep?: (lines: number, p90: number | undefined) => void;
}

export interface LinesSweep {
  /** The fewest lines, over the whole network, whose P90 order → infusion is within the bound; undefined if none up to the sweep's end. */
  lines: number | undefined;
  steps: { lines: number; orderToInfusionP90?: number }[];
}

/**
 * The network with `total` lines, shared among the facilities in proportion to their lines today
 * (largest remainder, at least one each); every facility keeps its spare bioreactors.
 */
export function withTotalLines(scenario: Scenario, total: number): Scenario {
  const facilities = scenario.network.facilities;
  const today = facilities.reduce((n, f) => n + f.lines, 0);
  const exact = facilities.map((f) => Math.max(1, (total * f.lines) / today));
  const lines = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; lines.reduce((a, b) => a + b, 0) < total; k++) lines[order[k % order.length]!.i]!++;
  return {
    ...scenario,
    network: { ...scenario.network, facilities: facilities.map((f, i) => ({ ...f, lines: lines[i]!, bioreactors: lines[i]! + Math.max(0, f.bioreactors - f.lines) })) },
  };
}

/**
 * How many lines keep the patients' P90 wait (order → infusion) within `maxP90Days` at the
 * scenario's demand: from today's count, down while the bound still holds, or up until it does.
 */
export function linesForP90Wait(scenario: Scenario, maxP90Days: number, options: LinesSweepOptions): LinesSweep {
  const steps: LinesSweep['steps'] = [];
  const p90At = (lines: number) => {
    const [result] = comparePolicies(withTotalLines(scenario, lines), { seed: options.seed, seeds: options.seeds, years: options.years, variants: [options.variant], highs: options.highs });
    const p90 = result?.figures.orderToInfusionP90;
    steps.push({ lines, orderToInfusionP90: p90 });
    options.onStep?.(lines, p90);
    return p90;
  };
  const holds = (p90: number | undefined) => p90 !== undefined && p90 <= maxP90Days;
  const today = scenario.network.facilities.reduce((n, f) => n + f.lines, 0);
  const floor = scenario.network.facilities.length;
  let lines = today;
  if (holds(p90At(lines))) {
    while (lines > floor && holds(p90At(lines - 1))) lines--;
    return { lines, steps };
  }
  for (lines = today + 1; lines <= 3 * today; lines++) if (holds(p90At(lines))) return { lines, steps };
  return { lines: undefined, steps };
}
