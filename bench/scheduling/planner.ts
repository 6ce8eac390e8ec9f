import { parseArgs } from 'node:util';
import { exhaustivePlan } from '../../src/domain/planning/exhaustive.js';
import { greedyPlan } from '../../src/domain/planning/greedy.js';
import type { Plan } from '../../src/domain/planning/problem.js';
import { DEFAULT_TIME_LIMIT_MS, loadPlanner } from '../../src/planning/planner.js';
import { SMALL, randomProblem } from '../../test/planning/random-problems.js';
import { baselineNetworkProblem } from './planner-network.js';

// The planner against the greedy rule on open orders over a rolling horizon on a network like the
// twin's baseline, and against the exhaustive optimum on small instances. Wall times are printed
// with the greedy rule's time in the same run as the baseline (a shared machine's load scales both).
const { values: flags } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    orders: { type: 'string', default: '500' },
    horizon: { type: 'string', default: '90' },
    'time-limit': { type: 'string', default: String(DEFAULT_TIME_LIMIT_MS) },
    'reference-limit': { type: 'string', default: '60000' },
    small: { type: 'string', default: '200' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:planner -- [options]
  --seeds N             instances of the baseline-like network, default 5
  --orders N            open orders, default 500
  --horizon D           plan days, default 90
  --time-limit MS       the planner's budget, default ${DEFAULT_TIME_LIMIT_MS}
  --reference-limit MS  a long solve per instance for the optimum (0 skips it), default 60000
  --small N             small instances compared with the exhaustive search, default 200`);
  process.exit(0);
}
const seeds = Number(flags.seeds);
const timeLimitMs = Number(flags['time-limit']);
const referenceLimitMs = Number(flags['reference-limit']);

const timed = <T>(run: () => T): [T, number] => {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
};

const loadStarted = performance.now();
const planner = await loadPlanner();
const loadMs = performance.now() - loadStarted;

const gap = (p: Plan) => (p.bound !== undefined ? `${((100 * (p.objective - p.bound)) / Math.abs(p.objective)).toFixed(2)} %` : '–');
const rows: string[][] = [];
for (let seed = 1; seed <= seeds; seed++) {
  const problem = baselineNetworkProblem(seed, Number(flags.orders), Number(flags.horizon));
  greedyPlan(problem); // warm-up, so the baseline is not the JIT's first pass
  const [greedy, greedyMs] = timed(() => greedyPlan(problem));
  const [plan, planMs] = timed(() => planner.plan(problem, { timeLimitMs }));
  const reference = referenceLimitMs > 0 ? planner.plan(problem, { timeLimitMs: referenceLimitMs }) : undefined;
  rows.push([
    String(seed),
    greedyMs.toFixed(0),
    planMs.toFixed(0),
    (planMs / greedyMs).toFixed(1),
    (planMs + (seed === 1 ? loadMs : 0)).toFixed(0),
    `${plan.solver}${plan.optimal ? ' (optimal)' : ''}`,
    gap(plan),
    (plan.objective / greedy.objective).toFixed(4),
    `${greedy.waiting.length} → ${plan.waiting.length}`,
    reference ? `${(reference.objective / greedy.objective).toFixed(4)}${reference.optimal ? ' opt' : ` gap ${gap(reference)}`}` : '–',
    plan.note ?? '',
  ]);
}
const header = ['seed', 'greedy ms', 'planner ms', '× greedy', 'ms incl. load*', 'answer', 'gap', 'obj ÷ greedy', 'waiting', `${referenceLimitMs} ms run ÷ greedy`, 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`\n${flags.orders} open orders, ${flags.horizon}-day horizon, baseline-like network, planner budget ${timeLimitMs} ms; HiGHS load ${loadMs.toFixed(0)} ms (*counted once, on seed 1)`);
console.log(line(header));
for (const r of rows) console.log(line(r));

let worst = 1;
let greedyLost = 0;
let plannerWorseThanGreedy = 0;
for (let seed = 1; seed <= Number(flags.small); seed++) {
  const problem = randomProblem(seed, { ...SMALL, horizonDays: 9 + (seed % 5), orders: 3 + (seed % 4) });
  const best = exhaustivePlan(problem);
  const greedy = greedyPlan(problem);
  const plan = planner.plan(problem, { timeLimitMs: 60_000 });
  worst = Math.max(worst, plan.objective / best.objective);
  if (greedy.objective > best.objective + 1e-9) greedyLost++;
  if (plan.objective > greedy.objective + 1e-9) plannerWorseThanGreedy++;
}
console.log(`\nsmall instances (3–6 orders, 9–13 days, tight capacity): ${flags.small} seeds`);
console.log(`  planner ÷ exhaustive optimum, worst: ${worst.toFixed(6)}`);
console.log(`  greedy above the optimum on ${greedyLost}; planner above greedy on ${plannerWorseThanGreedy}`);
