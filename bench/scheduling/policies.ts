import { parseArgs } from 'node:util';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { loadHighsPlanner } from '../../src/sim/what-if/highs-planner.js';
import { comparePolicies } from '../../src/sim/what-if/policy-comparison.js';
import { formatPolicyTable } from '../../src/sim/what-if/policy-report.js';
import { lineLoad, multiplierFor } from './line-load.js';
import { checkTargets } from './targets.js';

// Issue 18's measure: the twin's baseline network at 90 % and 115 % of its manufacturing capacity,
// several seeds, every allocation policy on the same patients; each figure also as a ratio to
// today's first at the door (the baseline measured in the same run), and the targets checked.
const { values: flags } = parseArgs({
  options: {
    seeds: { type: 'string', default: '4' },
    years: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    scenario: { type: 'string', default: 'scenarios/baseline.json' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:scheduling -- [--seeds N (4)] [--years Y (1)] [--seed S (1)] [--scenario FILE (scenarios/baseline.json)]`);
  process.exit(0);
}

const base = loadScenario(flags.scenario);
const seeds = Number(flags.seeds);
const years = Number(flags.years);
const seed = Number(flags.seed);
const highs = await loadHighsPlanner(base);
console.log(`Demand for a load: ${lineLoad(base).explanation}.`);


const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : 'n/a');
let missed = 0;
for (const load of [0.9, 1.15]) {
  const multiplier = multiplierFor(base, load);
  const scenario = { ...base, demandMultiplier: multiplier };
  const started = performance.now();
  const results = comparePolicies(scenario, { seed, seeds, years, highs });
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n== ${Math.round(load * 100)} % of line capacity: demand multiplier ${multiplier.toFixed(3)}; ${seeds} seeds from ${seed}, ${years} year(s) of enrolment each (${seconds.toFixed(1)} s) ==\n`);
  console.log(formatPolicyTable(results, base.costs.currency));
  console.log('\nBy product, P90 vein to vein and P90 order → infusion (× first at the door):');
  for (const product of base.products.map((p) => p.productId)) {
    const today = results[0]!.byProduct[product]!;
    const cell = (f: (typeof today)) => `${f.veinToVeinP90?.toFixed(1)} d (${ratio(f.veinToVeinP90, today.veinToVeinP90)}) / ${f.orderToInfusionP90?.toFixed(1)} d (${ratio(f.orderToInfusionP90, today.orderToInfusionP90)})`;
    console.log(`  ${product}: ${results.map((r) => `${r.variant.id} ${cell(r.byProduct[product]!)}`).join(' · ')}`);
  }
  console.log('\nWall time: ' + results.map((r) => `${r.variant.id} ${(r.elapsedMs / 1000).toFixed(1)} s`).join(' · '));
  console.log('\nTargets:');
  for (const c of checkTargets(load, results)) {
    if (!c.met) missed++;
    console.log(`  ${c.met ? 'met   ' : 'MISSED'}  ${c.target}: ${c.figures}`);
  }
}
console.log(`\n${missed === 0 ? 'Every target met.' : `${missed} target(s) missed.`}`);
