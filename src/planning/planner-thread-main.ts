import { parentPort } from 'node:worker_threads';
import type { Plan, PlanningProblem } from '../domain/planning/problem.js';
import { loadPlanner, type PlanOptions } from './planner.js';

/**
 * The planner thread's side (started by planner-thread.ts): HiGHS loaded once, then one plan per
 * request, in the order they come. A plan that throws is answered as an error, and the thread goes on.
 */
export interface PlanRequest {
  id: number;
  problem: PlanningProblem;
  options: PlanOptions;
}
export type PlanReply = { id: number; plan: Plan } | { id: number; error: string };
export type ThreadReady = { ready: true } | { ready: false; error: string };

const port = parentPort!;
try {
  const planner = await loadPlanner();
  port.on('message', ({ id, problem, options }: PlanRequest) => {
    try {
      port.postMessage({ id, plan: planner.plan(problem, options) } satisfies PlanReply);
    } catch (err) {
      port.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies PlanReply);
    }
  });
  port.postMessage({ ready: true } satisfies ThreadReady);
} catch (err) {
  port.postMessage({ ready: false, error: err instanceof Error ? err.message : String(err) } satisfies ThreadReady);
}
