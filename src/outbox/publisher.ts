import { type Kafka, type Message } from 'kafkajs';
import { ACKS_ALL, createMissingTopics, durableProducer } from '../kafka-client.js';
import type pg from 'pg';
import type { PgRow } from '../db/pg-row.js';
import type { outbox } from '../db/schema/index.js';
import { startTableQueue, type TableQueue } from '../db/table-queue/table-queue.js';
import { BATCH_EVENTS_TOPIC, EVENT_ID_HEADER } from './batch-events.js';

export interface OutboxPublisherOptions {
  pool: pg.Pool;
  kafka: Kafka;
  log: (msg: string, fields?: object) => void;
  /** The fallback poll, for a notification that never came. */
  pollMs?: number;
  /** Rows taken per transaction. */
  batchSize?: number;
  /**
   * Topics besides the batch events that rows may name, created with their partition count before
   * the first send (the audit checkpoints: one partition, so the topic's order is theirs).
   */
  topics?: readonly OutboundTopic[];
}

export interface OutboundTopic {
  topic: string;
  partitions: number;
}

type OutboxRow = Pick<PgRow<typeof outbox>, 'id' | 'event_id' | 'topic' | 'key' | 'payload'>;

const BATCH_EVENTS: OutboundTopic = { topic: BATCH_EVENTS_TOPIC, partitions: 3 };

/**
 * Publishes the transactional outbox to Kafka, as a table queue (src/db/table-queue/): rounds of
 * claim, send, mark in one transaction, woken by the outbox's insert notification, so a stage
 * change leaves as soon as it commits. Delivery is at least once; a consumer that dedupes by the
 * `v2v-event-id` header sees every change exactly once. The producer is idempotent with one
 * request in flight, so Kafka's own retries neither duplicate nor reorder a page.
 */
export function startOutboxPublisher(options: OutboxPublisherOptions): TableQueue {
  const { kafka, batchSize = 500 } = options;
  const producer = durableProducer(kafka);
  let connected = false;

  const queue = startTableQueue<OutboxRow>({
    pool: options.pool,
    table: 'outbox',
    columns: ['id', 'event_id', 'topic', 'key', 'payload'],
    sentAtColumn: 'published_at',
    log: options.log,
    pageSize: batchSize,
    ...(options.pollMs === undefined ? {} : { pacing: { pollMs: options.pollMs } }),
    async send(rows) {
      if (!connected) {
        await ensureTopics(kafka, [BATCH_EVENTS, ...(options.topics ?? [])]);
        await producer.connect();
        connected = true;
      }
      await producer.sendBatch({ topicMessages: byTopic(rows), acks: ACKS_ALL });
    },
  });

  return {
    async stop() {
      // The round in progress finishes (sent rows get marked), so a clean stop leaves no duplicates.
      await queue.stop();
      if (connected) await producer.disconnect();
    },
  };
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

/** Creates the outbound topics that are missing; a send to one whose leaders are not known yet fails and is tried again with its rows. */
async function ensureTopics(kafka: Kafka, topics: readonly OutboundTopic[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createMissingTopics(admin, topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions })));
  } finally {
    await admin.disconnect();
  }
}
