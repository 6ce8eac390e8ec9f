import { loadScenario } from '../scenario/load-scenario.js';
import { loadHighsPlanner } from './highs-planner.js';
import { linesForP90Wait } from './lines-sweep.js';
import { comparePolicies, POLICY_VARIANTS } from './policy-comparison.js';
import { formatPolicyTable } from './policy-report.js';
import type { WhatIfRunOptions } from './what-if-command-run.js';

/** `v2v simulate what-if --policies | --lines-for-p90-wait N`: issue 18's questions of the twin. */
export async function runAllocationCommand(options: WhatIfRunOptions): Promise<void> {
  const scenario = loadScenario(options.scenario);
  const highs = await loadHighsPlanner(scenario);
  const common = { seed: options.seed, seeds: options.replications, years: options.years, highs };
  if (options.policies) {
    const results = comparePolicies(scenario, common);
    console.log(`${scenario.name}: allocation policies on the same demand, ${options.replications} seed(s) from ${options.seed}; patients enrolled after the warm-up, pooled.\n`);
    console.log(formatPolicyTable(results, scenario.costs.currency));
  }
  if (options.linesForP90Wait !== undefined) {
    const variant = POLICY_VARIANTS.find((v) => v.id === 'slot-chain-greedy')!;
    const sweep = linesForP90Wait(scenario, options.linesForP90Wait, { ...common, variant: scenario.allocation ? { id: 'scenario', label: 'the scenario’s allocation', allocation: scenario.allocation } : variant });
    for (const s of sweep.steps) console.log(`  ${s.lines} lines: P90 order → infusion ${s.orderToInfusionP90?.toFixed(1) ?? 'n/a'} d`);
    console.log(sweep.lines === undefined ? `No line count up to three times today's keeps the P90 wait within ${options.linesForP90Wait} days.` : `${sweep.lines} lines keep the P90 wait (order → infusion) within ${options.linesForP90Wait} days at this demand.`);
  }
}
