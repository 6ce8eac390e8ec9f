import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { BatchActivities } from '../../activities/types.js';
import { TASK_QUEUE } from '../../workflows/messages.js';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export function batchWorker(env: TestWorkflowEnvironment, activities: BatchActivities) {
  return Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, workflowsPath, activities });
}
