import type pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import { auditFiles, checkpointPublisher } from './audit-setup.js';
import { takeCheckpoint } from './take-checkpoint.js';

// Any constant: the same in every worker, so one of them signs per interval.
const CHECKPOINT_LOCK = 4_242_017;

/**
 * The worker's periodic checkpoint: every V2V_AUDIT_CHECKPOINT_MINUTES, one worker (whichever takes
 * the advisory lock) signs the heads and sends the checkpoint out. A failure is logged and retried at
 * the next tick; it never stops the worker. Returns a stop function.
 */
export function startCheckpointTimer(pool: pg.Pool, config: Config, logger: Logger): () => void {
  const log = logger.child({ component: 'audit-checkpoint' });
  const files = auditFiles(config);
  const publish = checkpointPublisher(config, logger);
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    const client = await pool.connect().catch((err: unknown) => (log.error({ err }, 'audit checkpoint: no database connection'), undefined));
    try {
      if (!client) return;
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [CHECKPOINT_LOCK]);
      if (!rows[0]?.locked) return;
      try {
        const { checkpoint, file } = await takeCheckpoint(pool, { ...files, publish });
        log.info({ id: checkpoint.payload.id, batches: checkpoint.payload.batches, root: checkpoint.payload.root, file }, 'audit checkpoint signed');
      } finally {
        await client.query('select pg_advisory_unlock($1)', [CHECKPOINT_LOCK]);
      }
    } catch (err) {
      log.error({ err }, 'audit checkpoint failed; retried at the next interval');
    } finally {
      client?.release();
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), config.V2V_AUDIT_CHECKPOINT_MINUTES * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
