import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanner, type Planner } from '../../src/planning/planner.js';
import { startPlannerThread, type PlannerThread } from '../../src/planning/planner-thread.js';
import { SMALL, randomProblem } from './random-problems.js';

let thread: PlannerThread;
let inProcess: Planner;
beforeAll(async () => {
  [thread, inProcess] = await Promise.all([startPlannerThread(), loadPlanner()]);
});
afterAll(() => thread.close());

/** Proven optima, so both answers are the one plan (a time limit would let them differ). */
const TIME = { timeLimitMs: 60_000 };
const problems = Array.from({ length: 8 }, (_, i) => randomProblem(2000 + i, { ...SMALL, horizonDays: 10, orders: 4 }));

describe('the planner in its own thread', () => {
  it('answers each of many problems asked at once with the plan the planner makes in process', async () => {
    const fromThread = await Promise.all(problems.map((p) => thread.plan(p, TIME)));
    for (const [i, problem] of problems.entries()) {
      const here = inProcess.plan(problem, TIME);
      expect(fromThread[i]!.objective, `problem ${i}`).toBeCloseTo(here.objective, 6);
      expect(fromThread[i]!.assignments, `problem ${i}`).toEqual(here.assignments);
    }
  });

  it('answers a problem the planner cannot take with an error, and goes on planning', async () => {
    await expect(thread.plan({ orders: null, capacity: null } as never, TIME)).rejects.toThrow();
    expect((await thread.plan(problems[0]!, TIME)).assignments).toEqual(inProcess.plan(problems[0]!, TIME).assignments);
  });

  it('refuses a plan once closed, naming why', async () => {
    const closing = await startPlannerThread();
    await closing.close();
    await expect(closing.plan(problems[0]!, TIME)).rejects.toThrow('the planner thread was closed');
  });

  it('starts where the CLI runs V2V (tsx registered by hand, another working directory), and plans with HiGHS', () => {
    const tsx = import.meta.resolve('tsx/esm/api');
    const script = new URL('./plan-in-thread.ts', import.meta.url).href;
    const run = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); })`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', run], { cwd: '/', encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ solver: 'highs' });
  });
});
