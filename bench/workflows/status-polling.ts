import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { batchWorkflow } from '../../workflows/batch.js';
import { statusQuery, type Awaiting, type BatchStatus } from '../../workflows/messages.js';
import { isAborted, PhaseTimeout } from './phase-timeout.js';

export type BatchHandle = WorkflowHandle<typeof batchWorkflow>;

const sameAwaiting = (a: Awaiting, b: Awaiting) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Queries until `done`. Every query is a round trip to the worker through the server, so the
 * interval grows (×1.5 up to 250 ms): a hundred drivers polling fast would load the system they measure.
 * Not `pollUntil` (src/poll-until.ts) for that growing interval and the bench's abort.
 */
export async function pollStatus(handle: BatchHandle, done: (s: BatchStatus) => boolean, what: string): Promise<BatchStatus> {
  let delay = 20;
  const started = Date.now();
  for (;;) {
    if (isAborted()) throw new PhaseTimeout('aborted');
    const status = await handle.query(statusQuery);
    if (done(status)) return status;
    if (Date.now() - started > 120_000) throw new Error(`still ${what} after 120 s (stage ${status.stage}, awaiting ${JSON.stringify(status.awaiting)})`);
    await sleep(delay);
    delay = Math.min(delay * 1.5, 250);
  }
}

export const awaitingChanged = (handle: BatchHandle, before: Awaiting) =>
  pollStatus(handle, (s) => !sameAwaiting(s.awaiting, before), `awaiting ${JSON.stringify(before)}`);
