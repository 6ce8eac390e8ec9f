import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { BatchActivities } from '../../activities/types.js';
import { TASK_QUEUE } from '../../workflows/messages.js';

/** The workflows under test, bundled once for the run (test/setup/workflow-bundle.ts), as Worker options. */
export const workflowsUnderTest = () => ({ workflowBundle: { codePath: inject('workflowBundle') } });

export function batchWorker(env: TestWorkflowEnvironment, activities: BatchActivities) {
  return Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, ...workflowsUnderTest(), activities });
}
