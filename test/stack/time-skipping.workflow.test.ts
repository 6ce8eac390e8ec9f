import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServerEnvironment } from '../setup/test-server-env.js';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await testServerEnvironment();
  });
  afterAll(() => env?.teardown());

  it('sleeps 30 days of workflow time without waiting for them', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping',
      workflowsPath: fileURLToPath(new URL('../fixtures/smoke-workflows.ts', import.meta.url)),
    });
    const wallStart = performance.now();
    const slept = await worker.runUntil(
      env.client.workflow.execute('sleepDays', { taskQueue: 'time-skipping', workflowId: 'sleep-30-days', args: [30] }),
    );
    const wallMs = performance.now() - wallStart;
    expect(slept).toBeGreaterThanOrEqual(30 * 86_400_000);
    // Reported, not asserted: wall-clock limits belong in bench/, not in tests.
    console.info(`30 days of workflow time took ${wallMs.toFixed(0)} ms of wall time`);
  });
});
