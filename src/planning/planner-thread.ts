import { Worker } from 'node:worker_threads';
import type { Plan, PlanningProblem } from '../domain/planning/problem.js';
import type { PlanReply, PlanRequest, ThreadReady } from './planner-thread-main.js';
import type { PlanOptions } from './planner.js';

/**
 * The planner in a thread of its own. HiGHS solves for up to its time limit without a break; on
 * the worker's main thread that is a second in which no activity starts, answers or heartbeats.
 * Here the main thread only posts the problem and awaits the plan.
 */
export interface PlannerThread {
  plan(problem: PlanningProblem, options?: PlanOptions): Promise<Plan>;
  /** Ends the thread; plans still awaited are refused. */
  close(): Promise<void>;
}

/**
 * The thread runs planner-thread-main.ts, TypeScript like the rest of V2V: a thread does not share
 * the main thread's module hooks, so its first act is to register tsx for itself (by the file this
 * process resolves, whatever the working directory).
 */
function bootstrap(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./planner-thread-main.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

/** Starts the thread and resolves once HiGHS has loaded in it; rejects, naming why, if it cannot. */
export function startPlannerThread(): Promise<PlannerThread> {
  const worker = new Worker(bootstrap(), { eval: true });
  const waiting = new Map<number, { resolve: (plan: Plan) => void; reject: (err: Error) => void }>();
  let ended: Error | undefined;
  let next = 0;
  const end = (err: Error) => {
    ended ??= err;
    for (const { reject } of waiting.values()) reject(ended);
    waiting.clear();
  };

  return new Promise((resolve, reject) => {
    worker.once('error', (err) => (end(err), reject(err)));
    worker.once('exit', (code) => {
      end(new Error(`the planner thread exited (code ${code})`));
      reject(ended);
    });
    worker.on('message', (message: ThreadReady | PlanReply) => {
      if ('ready' in message) {
        if (!message.ready) return reject(new Error(message.error));
        // An idle thread does not keep the process alive; one planning does.
        worker.unref();
        return resolve({
          plan: (problem, options = {}) =>
            new Promise((planned, refused) => {
              if (ended) return refused(ended);
              const id = next++;
              waiting.set(id, { resolve: planned, reject: refused });
              worker.ref();
              worker.postMessage({ id, problem, options } satisfies PlanRequest);
            }),
          close: async () => {
            end(new Error('the planner thread was closed'));
            await worker.terminate();
          },
        });
      }
      const asked = waiting.get(message.id);
      waiting.delete(message.id);
      if (waiting.size === 0) worker.unref();
      if ('error' in message) asked?.reject(new Error(message.error));
      else asked?.resolve(message.plan);
    });
  });
}
