import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type pg from 'pg';
import type { PgRow } from '../db/pg-row.js';
import type { outbox } from '../db/schema/index.js';
import { inTransaction } from '../db/transaction.js';
import { BATCH_EVENTS_TOPIC, EVENT_ID_HEADER } from './batch-events.js';

export interface OutboxPublisherOptions {
  pool: pg.Pool;
  kafka: Kafka;
  log: (msg: string, fields?: object) => void;
  /** Pause between polls when the outbox is empty. */
  intervalMs?: number;
  /** Rows taken per transaction. */
  batchSize?: number;
}

type OutboxRow = Pick<PgRow<typeof outbox>, 'id' | 'event_id' | 'topic' | 'key' | 'payload'>;

const PARTITIONS = 3;

/**
 * Publishes the transactional outbox to Kafka. Each round, in one PostgreSQL transaction: take the
 * oldest unpublished rows (FOR UPDATE SKIP LOCKED, so several workers share the outbox without
 * taking the same row), send them, mark them published, commit. Sending happens before the commit,
 * so a crash in between re-sends on the next round: delivery is at least once, and a consumer that
 * dedupes by the `v2v-event-id` header sees every change exactly once. The producer is idempotent
 * with one request in flight, so Kafka's own retries neither duplicate nor reorder a round.
 *
 * Polling, not LISTEN/NOTIFY: a poll every 200 ms is far below what a downstream system notices
 * in a stage change, needs no dedicated connection that must be re-listened after a failover, and
 * works through a transaction-pooling proxy. A full round is followed at once by the next one, so a
 * backlog drains without waiting.
 */
export function startOutboxPublisher(options: OutboxPublisherOptions): { stop(): Promise<void> } {
  const { pool, kafka, log, intervalMs = 200, batchSize = 500 } = options;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping) return resolve();
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const loop = (async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    let connected = false;
    let failures = 0;
    while (!stopping) {
      try {
        if (!connected) {
          await ensureTopic(kafka);
          await producer.connect();
          connected = true;
        }
        const sent = await publishRound(pool, producer, batchSize);
        failures = 0;
        if (sent === batchSize) continue;
      } catch (err) {
        failures += 1;
        log('outbox: publishing failed; the rows stay unpublished and are retried', { error: err instanceof Error ? err.message : String(err), failures });
      }
      // Back off on repeated failures (Kafka or PostgreSQL away) instead of hammering them.
      await pause(Math.min(intervalMs * 2 ** failures, 10_000));
    }
    if (connected) await producer.disconnect();
  })();

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      wake?.();
      // The round in progress finishes (sent rows get marked), so a clean stop leaves no duplicates.
      await loop;
    },
  };
}

/** One round; returns how many rows it published. */
async function publishRound(pool: pg.Pool, producer: Producer, batchSize: number): Promise<number> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<OutboxRow>(
      `select id, event_id, topic, key, payload from outbox
       where published_at is null order by id limit $1 for update skip locked`,
      [batchSize],
    );
    if (rows.length > 0) {
      await producer.sendBatch({ topicMessages: byTopic(rows) });
      await client.query('update outbox set published_at = now() where id = any($1::bigint[])', [rows.map((r) => r.id)]);
    }
    return rows.length;
  });
}

/** Messages grouped by topic, each group in outbox order, so per-key order is the commit order. */
function byTopic(rows: OutboxRow[]) {
  const topics = new Map<string, Message[]>();
  for (const row of rows) {
    const messages = topics.get(row.topic) ?? [];
    messages.push({ key: row.key, value: JSON.stringify(row.payload), headers: { [EVENT_ID_HEADER]: row.event_id } });
    topics.set(row.topic, messages);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}

/** Creates the outbound topic if it is missing (asking first: kafkajs logs an error for an existing one). */
async function ensureTopic(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(BATCH_EVENTS_TOPIC)) return;
    await admin.createTopics({ topics: [{ topic: BATCH_EVENTS_TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
