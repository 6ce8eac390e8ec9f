import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { testServerEnvironment } from '../setup/test-server-env.js';
import { inMemoryActivities } from './in-memory-activities.js';
import { batchWorker } from './worker.js';

/** One time-skipping server and one worker (with in-memory activities) per test file. */
export function useBatchWorkflowEnv(fake = inMemoryActivities()) {
  const ctx = { fake } as { fake: typeof fake; env: TestWorkflowEnvironment };
  let worker: Worker;
  let running: Promise<void>;
  beforeAll(async () => {
    ctx.env = await testServerEnvironment();
    worker = await batchWorker(ctx.env, fake.activities);
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await ctx.env?.teardown();
  });
  return ctx;
}
