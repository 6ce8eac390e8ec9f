import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { BatchActivities } from '../activities/types.js';

/**
 * Activities are short database writes: retried quickly and forever on transient failures,
 * never on the nonRetryable failures they raise on purpose (a taken slot, say).
 */
export const activities = proxyActivities<BatchActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The failure an activity raised on purpose (a taken slot, data refused for good), unwrapped from its ActivityFailure. */
export function raisedFailure(err: unknown): ApplicationFailure | undefined {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
}
