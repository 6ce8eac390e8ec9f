import type pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import { auditFiles } from './audit-setup.js';
import { takeCheckpointIfDue } from './take-checkpoint.js';

export interface CheckpointTimerOptions {
  /** Default V2V_AUDIT_CHECKPOINT_MINUTES; tests pass a short one. */
  everyMs?: number;
}

/**
 * The worker's periodic checkpoint. Every worker runs one; each wakes when the next checkpoint is
 * due by the database's record of the last one, and whichever gets the checkpoint lock first takes
 * it, the others then find it taken: one checkpoint per interval however many workers run. A
 * failure is logged and retried after a tenth of the interval; it never stops the worker. The
 * first look is at start-up, so a worker that was down catches up at once. Returns a stop function
 * that waits for a checkpoint in progress.
 */
export function startCheckpointTimer(pool: pg.Pool, config: Config, logger: Logger, options: CheckpointTimerOptions = {}): () => Promise<void> {
  const log = logger.child({ component: 'audit-checkpoint' });
  const everyMs = options.everyMs ?? config.V2V_AUDIT_CHECKPOINT_MINUTES * 60_000;
  const retryMs = Math.min(60_000, Math.max(1_000, Math.round(everyMs / 10)));
  const take = { ...auditFiles(config), topic: config.V2V_AUDIT_CHECKPOINT_TOPIC, everyMs };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inProgress: Promise<void> = Promise.resolve();

  const tick = async (): Promise<number> => {
    try {
      const outcome = await takeCheckpointIfDue(pool, take);
      if (!('taken' in outcome)) return outcome.dueInMs;
      const { checkpoint, file } = outcome.taken;
      log.info({ id: checkpoint.payload.id, batches: checkpoint.payload.batches, root: checkpoint.payload.root, file }, 'audit checkpoint signed and queued');
      return everyMs;
    } catch (err) {
      log.error({ err }, 'audit checkpoint failed; retried shortly');
      return retryMs;
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      inProgress = tick().then(schedule);
    }, ms);
    timer.unref();
  };
  schedule(0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inProgress;
  };
}
