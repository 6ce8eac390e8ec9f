import { allHandlersFinished, CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { isEnded, nextDeadline, SYSTEM_ACTOR } from '../src/domain/batch/index.js';
import { registerBatchHandlers } from './batch-handlers.js';
import { BatchRun } from './batch-run.js';
import { nowIso } from './clock.js';
import type { BatchInput, BatchStatus } from './messages.js';

/** Since this marker, a product waiting unbooked past the time it could be booked opens a deviation (nextDeadline). */
const BOOKING_WINDOW_PATCH = 'booking-window-closes';

/**
 * One patient's batch, vein to vein (DESIGN §3). The rules are the journey decider's
 * (src/domain/batch/); this workflow keeps the clock, runs the side effects and waits.
 * Telemetry never enters here: only its state changes.
 */
export async function batchWorkflow(input: BatchInput): Promise<BatchStatus> {
  const run = new BatchRun(input);
  registerBatchHandlers(run);
  try {
    while (!isEnded(run.state)) {
      const seen = run.version;
      // A history begun before the window was watched has no timer for it, so replays it without one.
      const deadline = nextDeadline(run.state, Date.now(), { bookingWindow: patched(BOOKING_WINDOW_PATCH) });
      const changed = () => run.version !== seen;
      const woke = deadline === undefined ? (await condition(changed), true) : await condition(changed, Math.max(deadline - Date.now(), 1));
      // A slot retry, an escalation, the infusion day or an unbooked product's window closing is due.
      if (!woke) await run.dispatch({ type: 'timer-fired', at: nowIso() });
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The workflow itself was cancelled: withdraw the batch and give back what it holds.
    await CancellationScope.nonCancellable(() =>
      run.dispatch({ type: 'cancel', command: { reason: 'workflow cancelled', actor: SYSTEM_ACTOR }, at: nowIso() }),
    );
  }
  // Updates still answering their callers finish before the run closes.
  await condition(allHandlersFinished);
  return run.status();
}
