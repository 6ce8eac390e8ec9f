import { proxyActivities } from '@temporalio/workflow';

/**
 * The baseline of bench/workflows/: one workflow task, one no-op activity, one workflow task.
 * What a Temporal server and the TypeScript SDK cost before any V2V logic runs.
 */
export const TRIVIAL_TASK_QUEUE = 'v2v-bench-trivial';

export interface TrivialActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<TrivialActivities>({ startToCloseTimeout: '30 seconds' });

export async function trivialWorkflow(): Promise<void> {
  await noop();
}
