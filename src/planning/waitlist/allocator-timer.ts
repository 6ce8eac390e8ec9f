import type { Database } from '../../db/client.js';
import type { Logger } from '../../logging.js';
import type { WaitlistCapacity } from './capacity-port.js';
import { allocateOnRelease } from './on-capacity-released.js';
import type { Planner } from './plan-waitlist.js';

/** Often enough that a new plan day (the horizon moves on at each site's midnight) or a lifted exception reaches the list soon. */
export const ALLOCATOR_EVERY_MS = 10 * 60_000;

/**
 * The worker's periodic allocation run, beside the one after each release: capacity also appears
 * without a release (a new day enters the horizon, an exception ends, a ticket is closed). Runs are
 * idempotent and every worker may run one; a failure is logged and tried again at the next tick.
 * Returns a stop function that waits for a run in progress.
 */
export function startAllocatorTimer(db: Database, logger: Logger, planner?: Planner, everyMs = ALLOCATOR_EVERY_MS, capacity?: WaitlistCapacity): () => Promise<void> {
  const log = logger.child({ component: 'waitlist' });
  const allocate = allocateOnRelease(db, log, planner, capacity);
  let inProgress: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inProgress = allocate({ batchId: 'periodic', reason: 'periodic allocation run' }).catch((err: unknown) => log.error({ err }, 'waitlist allocation run failed; tried again at the next tick'));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inProgress;
  };
}
