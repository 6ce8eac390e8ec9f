import { startPlannerThread } from '../../src/planning/planner-thread.js';
import { SMALL, randomProblem } from './random-problems.js';

// Run as the CLI runs V2V (tsx registered by hand, from another working directory) by
// planner-thread.test.ts: prints the solver of one plan made in the planner thread.
const thread = await startPlannerThread();
const plan = await thread.plan(randomProblem(2100, { ...SMALL, horizonDays: 10, orders: 4 }), { timeLimitMs: 60_000 });
await thread.close();
console.log(JSON.stringify({ solver: plan.solver }));
