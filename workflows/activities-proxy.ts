import { ActivityFailure, ApplicationFailure, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BatchActivities } from '../activities/types.js';

/**
 * Activities are short database writes: retried quickly and forever on transient failures,
 * never on the nonRetryable failures they raise on purpose (a taken slot, say).
 */
const options = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

const scheduled = proxyActivities<BatchActivities>(options);
const local = proxyLocalActivities<BatchActivities>(options);

/** The patch marker of runs whose effects are local activities. */
export const LOCAL_EFFECTS = 'local-effects';

/**
 * The effects as local activities: the worker runs them inside the workflow task that asked for
 * them, so a hand-off's chain of writes (custody record, stage change, forecast) costs one workflow
 * task instead of a scheduled activity and a further workflow task each (bench/README.md, "local
 * effects"). Runs recorded before scheduled them as activities: `patched` keeps those replaying as
 * they ran. A local activity is retried by the worker and again after a crash, so each must stay
 * idempotent by key, as every one is.
 */
export const activities = (): BatchActivities => (patched(LOCAL_EFFECTS) ? local : scheduled);

/**
 * The failure an activity raised on purpose (a taken slot, data refused for good): a scheduled
 * activity's reaches the workflow wrapped in an ActivityFailure, a local one's as it was raised
 * (SDK 1.24, seen in test/workflows/uncurable-input).
 */
export function raisedFailure(err: unknown): ApplicationFailure | undefined {
  const raised = err instanceof ActivityFailure ? err.cause : err;
  return raised instanceof ApplicationFailure ? raised : undefined;
}
