import { Kafka, logLevel, Partitioners, type LogEntry, type Producer } from 'kafkajs';
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
 */
export function durableProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}
