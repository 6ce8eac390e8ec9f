import { Kafka, logLevel, Partitioners, type LogEntry, type ProducerBatch, type ProducerRecord, type RecordMetadata } from 'kafkajs';
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
 * idempotent producer, so no send can ask for less.
 *
 * A producer whose send failed is replaced before the next send. kafkajs's idempotent producer can
 * lose step with a partition's new leader after a broker dies (OUT_OF_ORDER_SEQUENCE_NUMBER) and
 * then refuses every later send: `npm run test:reliability`'s broker kill found one that refused all
 * 127,770 sends after it. A fresh producer has a fresh producer id and sequence; the caller retries
 * what failed, as it would any failed send. The failure is thrown at once: the new producer
 * connects on the next send, not in the failed one's path, so a send to an unreachable Kafka fails
 * after one round of kafkajs's retries, not two.
 */
export function durableProducer(kafka: Kafka): DurableProducer {
  const make = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  let producer = make();
  /** The caller connected (and has not disconnected since). */
  let wanted = false;
  /** The current producer is connected: false after a replacement until the next send connects it. */
  let live = false;

  const replace = () => {
    const broken = producer;
    producer = make();
    live = false;
    // Not awaited: a broken producer's disconnect may wait on an unreachable broker.
    broken.disconnect().catch(() => undefined);
  };
  const guarded = async <T>(send: () => Promise<T>): Promise<T> => {
    try {
      if (wanted && !live) {
        await producer.connect();
        live = true;
      }
      return await send();
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
      await producer.disconnect();
    },
    send: (record) => guarded(() => producer.send(record)),
    sendBatch: (batch) => guarded(() => producer.sendBatch(batch)),
  };
}

/** What V2V sends with: a producer that never stays broken after a failed send. */
export interface DurableProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}
