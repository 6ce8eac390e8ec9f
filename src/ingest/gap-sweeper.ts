import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';
import { sweepDueGaps } from './engine-store.js';
import type { HeardThroughClock } from './heard-through.js';
import type { IngestMetrics } from './metrics.js';
import { repeatEvery } from './repeat-every.js';

/**
 * Silence cannot announce itself: a telemetry gap opens when a bound device has sent nothing for its
 * rule's gap time, judged up to the instant ingest last had every published reading applied
 * (src/ingest/heard-through.ts), never past it. Every ingest process sweeps; SKIP LOCKED keeps them apart.
 */
export function startGapSweeper(options: {
  pool: pg.Pool;
  timeScale: number;
  heard: HeardThroughClock;
  metrics: Pick<IngestMetrics, 'gapsJudgedBehindSeconds'>;
  log: (msg: string, fields?: object) => void;
  intervalMs?: number;
}) {
  const { pool, timeScale, heard, metrics, log, intervalMs = 1_000 } = options;
  const sweep = async () => {
    try {
      // Kafka away: gaps due before the watermark it last allowed are still real.
      const through = await heard.observe().catch((err: unknown) => {
        log('could not tell how far ingest has heard; gaps are judged up to where it last could', { error: err instanceof Error ? err.message : String(err) });
        return heard.last();
      });
      if (through === undefined) return;
      metrics.gapsJudgedBehindSeconds.set((Date.now() - through) / 1_000);
      // PostgreSQL being away at a tick is a failed sweep, retried at the next one, not a crash.
      await inTransaction(pool, (client) => sweepDueGaps(client, through, timeScale));
    } catch (err) {
      log('gap sweep failed; retried at the next tick', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  return repeatEvery(intervalMs, sweep);
}
