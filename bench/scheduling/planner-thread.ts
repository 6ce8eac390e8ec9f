import { parseArgs } from 'node:util';
import type { PlanningProblem } from '../../src/domain/planning/problem.js';
import { loadPlanner } from '../../src/planning/planner.js';
import { startPlannerThread } from '../../src/planning/planner-thread.js';
import { countFlag } from '../flags.js';
import { baselineNetworkProblem } from './planner-network.js';

// What planning the waitlist costs the worker's main thread: the longest its timers wait while
// a plan of the baseline-like network is made in the process (as the worker did) and in the planner
// thread (as it does now), with the worker's one-second budget. The in-process figures are the
// baseline, measured in the same run.
const { values: flags } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    orders: { type: 'string', default: '500' },
    horizon: { type: 'string', default: '90' },
    'time-limit': { type: 'string', default: '1000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:planner:thread -- [options]
  --seeds N          instances, default 5
  --orders N         open orders, default 500
  --horizon D        plan days, default 90
  --time-limit MS    the planner's budget, default 1000 (the worker's)`);
  process.exit(0);
}
const seeds = countFlag('seeds', flags.seeds);
const options = { timeLimitMs: countFlag('time-limit', flags['time-limit']) };
const problems = Array.from({ length: seeds }, (_, i) => baselineNetworkProblem(i + 1, countFlag('orders', flags.orders), countFlag('horizon', flags.horizon)));

/**
 * The longest gap (ms) between ticks of a 10 ms timer while `plan` runs, and the wall time (ms): a
 * timer is what an activity's heartbeat or completion waits behind on the worker's main thread.
 */
async function measured(plan: () => Promise<unknown>): Promise<{ maxDelayMs: number; wallMs: number }> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let last = performance.now();
  let maxGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 10);
  // The timer is running before the plan starts, and has ticked once after it ends.
  await pause(30);
  const started = performance.now();
  await plan();
  const wallMs = performance.now() - started;
  await pause(30);
  clearInterval(tick);
  return { maxDelayMs: maxGap, wallMs };
}

const inProcess = await loadPlanner();
const thread = await startPlannerThread();
const rows: string[] = [];
const ratios: number[] = [];
for (const [i, problem] of problems.entries()) {
  const plan = (p: PlanningProblem) => Promise.resolve(inProcess.plan(p, options));
  const here = await measured(() => plan(problem));
  const there = await measured(() => thread.plan(problem, options));
  ratios.push(there.maxDelayMs / here.maxDelayMs);
  rows.push(`| ${i + 1} | ${problem.orders.length} | ${here.wallMs.toFixed(0)} | ${here.maxDelayMs.toFixed(0)} | ${there.wallMs.toFixed(0)} | ${there.maxDelayMs.toFixed(1)} | ${(there.maxDelayMs / here.maxDelayMs).toFixed(3)} |`);
}
await thread.close();
console.log(`planning the waitlist with a ${options.timeLimitMs} ms budget: the main thread's longest gap between a 10 ms timer's ticks, in process (baseline) and in the planner thread\n`);
console.log('| seed | orders | in process: wall ms | in process: longest gap ms | thread: wall ms | thread: longest gap ms | gap ratio thread / in process |');
console.log('|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log(`\nlongest gap ratio, thread / in process: median ${ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!.toFixed(3)}, worst ${Math.max(...ratios).toFixed(3)}`);
