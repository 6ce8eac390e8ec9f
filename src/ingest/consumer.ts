import { CompressionTypes, type EachBatchPayload, type Kafka } from 'kafkajs';
import { ACKS_ALL, durableProducer, type DurableProducer } from '../kafka-client.js';
import type pg from 'pg';
import { applyChunk, type ChunkDeps, type ChunkOutcome, type DeadLetter } from './apply-chunk.js';
import { DLQ_HEADERS, dlqTopicOf, INGEST_GROUP, READINGS_TOPIC } from './contract.js';
import { gatewayVerifier } from './gateway-signature.js';
import type { IngestMetrics } from './metrics.js';
import { monthlyPartitions } from './partitions.js';
import { whileTopicSettles } from './topics.js';

export interface IngestConsumerOptions {
  kafka: Kafka;
  pool: pg.Pool;
  metrics: IngestMetrics;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: object) => void;
  timeScale: number;
  maxMessageBytes: number;
  groupId?: string;
  /** The readings topic (benchmarks use their own). */
  topic?: string;
  /** Messages per PostgreSQL transaction. */
  chunkSize?: number;
  partitionsConsumedConcurrently?: number;
  /** V2V_GATEWAY_KEY_SECRET: set, a message must be signed by the device's gateway (`unverified_gateway` otherwise). */
  gatewaySecret?: string | undefined;
}

export interface IngestConsumer {
  /** True once the consumer has joined its group (readiness). */
  joined(): boolean;
  stop(): Promise<void>;
}

const MAX_FUTURE_MS = 5 * 60_000;

/** Partitions whose chunks one process applies at once, each a transaction on a connection of its own. */
export const PARTITIONS_AT_ONCE = 6;

/**
 * The `v2v-ingest` consumer group on the readings topic. Each batch of a partition is applied in
 * chunks, each chunk one transaction with its offsets (see applyChunk), and only then resolved and
 * committed to Kafka; the Kafka commit merely saves re-reading. A chunk that fails for a transient
 * reason (PostgreSQL or Kafka away) is retried with back-off while the partition waits: nothing is
 * skipped, and a dead letter is only ever a message that can never succeed.
 */
export async function startIngestConsumer(options: IngestConsumerOptions): Promise<IngestConsumer> {
  const { kafka, pool, metrics, log } = options;
  const groupId = options.groupId ?? INGEST_GROUP;
  const chunkSize = options.chunkSize ?? 5_000;
  const producer = durableProducer(kafka);
  // A 15 s session (kafkajs: 30 s) hands a dead consumer's partitions over sooner; the retry loop
  // heart-beats at least every 5 s, so a long PostgreSQL outage does not cost the partitions.
  const consumer = kafka.consumer({ groupId, sessionTimeout: 15_000, heartbeatInterval: 3_000, maxBytesPerPartition: 2 * 1024 * 1024 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    log('info', 'ingest: joined the group', { memberId: payload.memberId, assignment: payload.memberAssignment });
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    log('error', 'ingest: consumer crashed', { error: payload.error.message, restart: payload.restart });
  });

  const deps: ChunkDeps = {
    pool,
    groupId,
    timeScale: options.timeScale,
    limits: { maxBytes: options.maxMessageBytes, maxFutureMs: MAX_FUTURE_MS },
    sendDeadLetters: (topic, partition, letters) => sendDeadLetters(producer, topic, partition, letters),
    ensurePartitions: monthlyPartitions(pool, (msg, fields) => log('warn', msg, fields)),
    ...(options.gatewaySecret ? { verifyGateway: gatewayVerifier(options.gatewaySecret) } : {}),
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) => {
    const { topic, partition } = batch;
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      const chunk = batch.messages.slice(i, i + chunkSize);
      const outcome = await untilApplied(() => applyChunk(deps, topic, partition, chunk), { isRunning, isStale, heartbeat, metrics, log, partition });
      if (outcome === undefined) return;
      if (outcome.kind === 'seek') {
        log('info', 'ingest: resuming from the offset stored in PostgreSQL', { partition, offset: outcome.offset });
        consumer.seek({ topic, partition, offset: outcome.offset });
        return;
      }
      record(metrics, outcome, chunk.length);
      resolveOffset(chunk.at(-1)!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
    metrics.lag.set({ partition: String(partition) }, Number(batch.offsetLag()));
  };

  await producer.connect();
  await consumer.connect();
  const topic = options.topic ?? READINGS_TOPIC;
  await whileTopicSettles(`this broker to know ${topic}`, async () => {
    await consumer.subscribe({ topic, fromBeginning: true });
    return true;
  });
  await consumer.run({
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? PARTITIONS_AT_ONCE,
    eachBatch,
  });
  return {
    joined: () => joined,
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

interface RetryContext {
  isRunning(): boolean;
  isStale(): boolean;
  heartbeat(): Promise<void>;
  metrics: IngestMetrics;
  log: IngestConsumerOptions['log'];
  partition: number;
}

/** Retries with back-off until the chunk applies, the consumer stops or the partition moves away. */
async function untilApplied(apply: () => Promise<ChunkOutcome>, ctx: RetryContext): Promise<ChunkOutcome | undefined> {
  let delayMs = 200;
  for (;;) {
    if (!ctx.isRunning() || ctx.isStale()) return undefined;
    try {
      return await apply();
    } catch (err) {
      ctx.metrics.transientFailures.inc();
      ctx.log('warn', 'ingest: chunk not applied; the partition waits and retries', {
        partition: ctx.partition,
        error: err instanceof Error ? err.message : String(err),
        retryInMs: delayMs,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      // Keep the group membership while waiting; a rebalance in the meantime makes the batch stale.
      await ctx.heartbeat().catch(() => undefined);
      delayMs = Math.min(delayMs * 2, 5_000);
    }
  }
}

function record(metrics: IngestMetrics, outcome: Extract<ChunkOutcome, { kind: 'applied' }>, messages: number) {
  metrics.messages.inc(messages - outcome.replayed);
  metrics.batchSize.observe(messages);
  metrics.readings.inc({ outcome: 'stored' }, outcome.stored);
  metrics.readings.inc({ outcome: 'duplicate' }, outcome.duplicates);
  for (const letter of outcome.deadLetters) metrics.deadLetters.inc({ reason: letter.reason });
  metrics.lateReadings.inc(outcome.tooLate);
  metrics.changes.inc(outcome.changes);
  for (const [stage, ms] of Object.entries(outcome.stageMs)) metrics.chunkStageSeconds.inc({ stage }, ms / 1000);
}

/** The original bytes and key, with why and where from (DESIGN §5). */
async function sendDeadLetters(producer: DurableProducer, topic: string, partition: number, letters: DeadLetter[]): Promise<void> {
  await producer.send({
    acks: ACKS_ALL,
    topic: dlqTopicOf(topic),
    // A dead letter is the message as sent: an oversize one arrived compressed and must leave so, or
    // the broker refuses it (its 1 MB limit) and the partition waits for ever.
    compression: CompressionTypes.GZIP,
    messages: letters.map(({ message, reason, detail }) => ({
      key: message.key,
      value: message.value,
      headers: {
        [DLQ_HEADERS.error]: `${reason}: ${detail}`,
        [DLQ_HEADERS.reason]: reason,
        [DLQ_HEADERS.sourceTopic]: topic,
        [DLQ_HEADERS.sourcePartition]: String(partition),
        [DLQ_HEADERS.sourceOffset]: message.offset,
      },
    })),
  });
}

