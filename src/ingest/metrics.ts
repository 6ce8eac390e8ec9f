import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PgRow } from '../db/pg-row.js';
import type { excursions } from '../db/schema/index.js';
import { CHUNK_STAGES } from './chunk-stages.js';

/** What an operator watches on the ingest process (GET /metrics); rates come from the counters. */
export function createIngestMetrics(pool: pg.Pool) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'v2v_ingest_' });
  const registers = [registry];
  return {
    registry,
    readings: new Counter({ name: 'v2v_ingest_readings_total', help: 'Readings consumed, by outcome (stored, duplicate)', labelNames: ['outcome'], registers }),
    messages: new Counter({ name: 'v2v_ingest_messages_total', help: 'Kafka messages applied', registers }),
    batchSize: new Histogram({
      name: 'v2v_ingest_batch_messages',
      help: 'Messages per applied chunk (one PostgreSQL transaction)',
      buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000],
      registers,
    }),
    lag: new Gauge({ name: 'v2v_ingest_partition_lag', help: 'Messages behind the high watermark, per partition', labelNames: ['partition'], registers }),
    deadLetters: new Counter({ name: 'v2v_ingest_dead_letters_total', help: 'Messages sent to the dead-letter topic, by reason', labelNames: ['reason'], registers }),
    lateReadings: new Counter({ name: 'v2v_ingest_too_late_readings_total', help: 'Readings later than the allowed lateness: stored, not evaluated', registers }),
    changes: new Counter({ name: 'v2v_ingest_episode_changes_total', help: 'Excursion and telemetry-gap state changes', registers }),
    chunkStageSeconds: new Counter({
      name: 'v2v_ingest_chunk_stage_seconds_total',
      help: `Wall time of applied chunks by stage (${CHUNK_STAGES.join(', ')}), PostgreSQL's share included`,
      labelNames: ['stage'],
      registers,
    }),
    gapsJudgedBehindSeconds: new Gauge({
      name: 'v2v_ingest_gaps_judged_behind_seconds',
      help: 'How long ago ingest last had every published reading applied: telemetry gaps are judged up to then, not past it',
      registers,
    }),
    transientFailures: new Counter({ name: 'v2v_ingest_transient_failures_total', help: 'Chunks that failed for a transient reason and were retried', registers }),
    signals: new Counter({ name: 'v2v_ingest_signals_total', help: 'Workflow signals sent, by outcome', labelNames: ['outcome'], registers }),
    openEpisodes: new Gauge({
      name: 'v2v_ingest_open_episodes',
      help: 'Open excursions and telemetry gaps, by kind',
      labelNames: ['kind'],
      registers,
      async collect() {
        const { rows } = await pool.query<Pick<PgRow<typeof excursions>, 'kind'> & { n: string }>("select kind, count(*) as n from excursions where state = 'open' group by kind");
        this.reset();
        for (const row of rows) this.set({ kind: row.kind }, Number(row.n));
      },
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
