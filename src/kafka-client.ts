import { Kafka, logLevel, Partitioners, type Admin, type ITopicConfig, type LogEntry, type Message, type PartitionMetadata, type ProducerBatch, type ProducerRecord, type RecordMetadata, type TopicMessages } from 'kafkajs';
import type { Config } from './config.js';
import type { Logger } from './logging.js';
import { kafkaTransport } from './transport.js';

/*
 * Beside config.ts and logging.ts, not in a process's folder: the worker (the outbox), ingest and the
 * live driver each open Kafka, and all three build it from the same two things, the config and the
 * logger. Under one of them it made ingest depend on the worker; a folder of its own would hold
 * one file.
 */

/** kafkajs logs to the console by default; V2V processes write one JSON stream, so route it there. */
const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(config: Config, logger: Logger, clientId: string): Kafka {
  if (!config.KAFKA_BROKERS) {
    throw new Error('KAFKA_BROKERS is not set: run `npx v2v stack up` and `eval "$(npx v2v stack env)"`, or set it.');
  }
  const kafkaLogger = logger.child({ component: 'kafka' });
  return new Kafka({
    clientId,
    brokers: config.KAFKA_BROKERS.split(','),
    // TLS and SASL/SCRAM when the installation's Kafka asks for them (a managed Kafka, the production topology).
    ...kafkaTransport(config),
    // kafkajs's INFO lines are connection churn; warnings and errors are what an operator acts on.
    logLevel: config.LOG_LEVEL === 'debug' ? logLevel.DEBUG : logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...fields } = log;
        kafkaLogger[LEVELS[level] ?? 'info']({ namespace, ...fields }, message);
      },
  });
}

/** acks=all: a write is acknowledged once every in-sync replica has it (with min.insync.replicas 2, at least two brokers). */
export const ACKS_ALL = -1;

/**
 * Every producer of V2V: idempotent, so the broker drops the duplicates of its own retries, with one
 * request in flight, so retries never reorder. kafkajs refuses any acks but ACKS_ALL on an
 * idempotent producer, so no send can ask for less. Two faults of kafkajs 2.2.4, both found by
 * `npm run test:reliability`'s broker kill, are worked around here:
 *
 * - **A send that spans brokers can lose messages and still succeed.** kafkajs keeps each broker's
 *   answer across its retries and, on a retry, sends only to brokers without one. When a killed
 *   broker's partitions move to a broker that already answered, their messages are never sent, and
 *   the send resolves: 2 of 11 acknowledged readings were never stored. So each send kafkajs sees
 *   holds one partition, and so one broker, and a retry cannot skip it. The partition is the one
 *   kafkajs's own default partitioner picks, so keys keep their partitions and their order.
 * - **A producer can stay broken.** After a broker dies its idempotent producer can lose step with a
 *   partition's new leader (OUT_OF_ORDER_SEQUENCE_NUMBER) and refuse every later send (127,770 in
 *   one run). A producer whose send failed is replaced; the caller retries what failed, as after any
 *   failed send. The failure is thrown at once: the new producer connects on the next send, not in
 *   the failed one's path, so a send to an unreachable Kafka fails after one round of retries.
 */
export function durableProducer(kafka: Kafka): DurableProducer {
  const make = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const partitioner = Partitioners.DefaultPartitioner();
  let producer = make();
  /** The caller connected (and has not disconnected since). */
  let wanted = false;
  /** The current producer is connected: false after a replacement until the next send connects it. */
  let live = false;
  let admin: Admin | undefined;
  const partitionsByTopic = new Map<string, PartitionMetadata[]>();

  const partitionsOf = async (topic: string) => {
    const known = partitionsByTopic.get(topic);
    if (known) return known;
    if (!admin) {
      const connecting = kafka.admin();
      await connecting.connect();
      admin = connecting;
    }
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics.find((t) => t.name === topic)?.partitions ?? [];
    if (partitions.length === 0) throw new Error(`Kafka reports no partitions for topic ${topic}`);
    partitionsByTopic.set(topic, partitions);
    return partitions;
  };
  const replace = () => {
    const broken = producer;
    producer = make();
    live = false;
    // A partition count may have changed since: asked again on the next send.
    partitionsByTopic.clear();
    // Not awaited: a broken producer's disconnect may wait on an unreachable broker.
    broken.disconnect().catch(() => undefined);
  };
  const send = async ({ topicMessages = [], ...options }: ProducerBatch): Promise<RecordMetadata[]> => {
    try {
      if (wanted && !live) {
        await producer.connect();
        live = true;
      }
      const parts = await onePartitionEach(topicMessages, partitionsOf, partitioner);
      const sender = producer;
      return (await Promise.all(parts.map((part) => sender.send({ ...options, ...part })))).flat();
    } catch (err) {
      replace();
      throw err;
    }
  };
  return {
    async connect() {
      wanted = true;
      await producer.connect();
      live = true;
    },
    async disconnect() {
      wanted = false;
      live = false;
      await Promise.all([producer.disconnect(), admin?.disconnect()]);
      admin = undefined;
    },
    send: ({ topic, messages, ...options }) => send({ ...options, topicMessages: [{ topic, messages }] }),
    sendBatch: send,
  };
}

/**
 * The messages split into one send per topic and partition, each message given the partition the
 * partitioner picks for it; the messages of a partition keep their order.
 */
export async function onePartitionEach(
  topicMessages: TopicMessages[],
  partitionsOf: (topic: string) => Promise<PartitionMetadata[]>,
  partitioner: ReturnType<typeof Partitioners.DefaultPartitioner>,
): Promise<TopicMessages[]> {
  const parts = new Map<string, TopicMessages>();
  for (const { topic, messages } of topicMessages) {
    const partitionMetadata = await partitionsOf(topic);
    for (const message of messages) {
      const partition = partitioner({ topic, partitionMetadata, message });
      const id = `${topic}\u0000${partition}`;
      let part = parts.get(id);
      if (!part) {
        part = { topic, messages: [] };
        parts.set(id, part);
      }
      part.messages.push({ ...message, partition } satisfies Message);
    }
  }
  return [...parts.values()];
}

/** What V2V sends with: a producer that never stays broken after a failed send. */
export interface DurableProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/**
 * Creates the topics that are missing, asking first (kafkajs logs an error for one that exists),
 * and answers the names it created. An existing topic is left as it is: adding partitions would
 * move keys between partitions and break their order. Another process may create one meanwhile:
 * its leaders may then be a moment away, which the caller waits for where it matters (partitionsLed).
 */
export async function createMissingTopics(admin: Pick<Admin, 'listTopics' | 'createTopics'>, topics: readonly ITopicConfig[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: [...missing], waitForLeaders: true });
  return missing.map((t) => t.topic);
}
