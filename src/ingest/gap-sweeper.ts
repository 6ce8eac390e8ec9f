import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';
import { sweepDueGaps } from './engine-store.js';
import { repeatEvery } from './repeat-every.js';

/**
 * Silence cannot announce itself: a telemetry gap opens on the wall clock, when a bound device has
 * sent nothing for its rule's gap time. Every ingest process sweeps; SKIP LOCKED keeps them apart.
 */
export function startGapSweeper(options: { pool: pg.Pool; timeScale: number; log: (msg: string, fields?: object) => void; intervalMs?: number }) {
  const { pool, timeScale, log, intervalMs = 1_000 } = options;
  const sweep = async () => {
    try {
      // PostgreSQL being away at a tick is a failed sweep, retried at the next one, not a crash.
      await inTransaction(pool, (client) => sweepDueGaps(client, Date.now(), timeScale));
    } catch (err) {
      log('gap sweep failed; retried at the next tick', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  return repeatEvery(intervalMs, sweep);
}
