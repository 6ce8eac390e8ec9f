import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config.js';
import { temporalTransport } from '../transport.js';
import { requireDatabaseUrl } from '../db/client.js';
import type { Logger } from '../logging.js';
import { createKafka } from '../kafka-client.js';
import { startIngestConsumer } from './consumer.js';
import { startGapSweeper } from './gap-sweeper.js';
import { heardThroughClock } from './heard-through.js';
import { createIngestMetrics } from './metrics.js';
import { startOpsServer } from './ops-server.js';
import { startPartitionMaintenance } from './partitions.js';
import { startSignaller } from './signaller.js';
import { ensureIngestTopics } from './topics.js';
import pg from 'pg';

export interface IngestProcess {
  opsUrl: string;
  stop(): Promise<void>;
}

/**
 * One ingest process: the consumer (readings → PostgreSQL → engine), the gap sweeper, the signaller
 * (engine changes → workflows), the readings partitions' maintenance and the operations server.
 * Run more of them to scale out: the consumer group splits the partitions, and the sweeper and
 * signaller share their queues.
 */
export async function startIngest(options: { config: Config; logger: Logger; port?: number }): Promise<IngestProcess> {
  const { config, logger } = options;
  // The partitions' chunks, the signaller's two lanes (batch and equipment), the gap sweeper and /readyz, none waiting for another.
  const pool = new pg.Pool({ connectionString: requireDatabaseUrl(config.DATABASE_URL), max: 12 });
  // A lost PostgreSQL connection must cost retries, not the process: pg emits the socket's error on
  // the pool (idle client) or on the client (checked out), and an 'error' nobody listens to kills
  // Node. The query in flight still fails, so its transaction rolls back and is retried.
  pool.on('error', (err) => logger.warn({ error: err.message }, 'ingest: a PostgreSQL connection was lost'));
  pool.on('connect', (client) => client.on('error', () => undefined));
  const connection = await Connection.connect(temporalTransport(config)).catch(async (err: unknown) => {
    await pool.end();
    throw err;
  });
  const stops: (() => Promise<unknown>)[] = [() => pool.end(), () => connection.close()];
  const stop = async () => {
    for (const close of stops.splice(0).reverse()) await close().catch((err: unknown) => logger.error({ err }, 'ingest: part did not stop cleanly'));
  };
  try {
    const kafka = createKafka(config, logger, 'v2v-ingest');
    const topics = await ensureIngestTopics(kafka, config.V2V_INGEST_TOPIC, config.V2V_INGEST_PARTITIONS);
    logger.info(topics, 'ingest: topics ready');
    if (!config.V2V_GATEWAY_KEY_SECRET) {
      logger.warn('ingest: V2V_GATEWAY_KEY_SECRET is not set, so a reading is taken from the gateway it names, signed or not (the dev stack; never an installation)');
    }
    const metrics = createIngestMetrics(pool);
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const signaller = startSignaller({ pool, temporal, metrics, log: (msg, fields) => logger.warn(fields ?? {}, msg) });
    stops.push(() => signaller.stop());
    // Before the consumer: the coming months' partitions exist before their first readings arrive.
    const partitions = await startPartitionMaintenance({
      pool,
      rule: { monthsAhead: config.V2V_READINGS_MONTHS_AHEAD, retentionMonths: config.V2V_READINGS_RETENTION_MONTHS },
      log: (level, msg, fields) => logger[level](fields ?? {}, msg),
    });
    stops.push(() => partitions.stop());
    const admin = kafka.admin();
    await admin.connect();
    stops.push(() => admin.disconnect());
    const heard = heardThroughClock({ admin, pool, topic: config.V2V_INGEST_TOPIC, groupId: config.V2V_INGEST_GROUP });
    const sweeper = startGapSweeper({ pool, timeScale: config.V2V_TIME_SCALE, heard, metrics, log: (msg, fields) => logger.warn(fields ?? {}, msg) });
    stops.push(() => sweeper.stop());
    const consumer = await startIngestConsumer({
      kafka,
      pool,
      metrics,
      log: (level, msg, fields) => logger[level](fields ?? {}, msg),
      timeScale: config.V2V_TIME_SCALE,
      maxMessageBytes: config.V2V_INGEST_MAX_MESSAGE_BYTES,
      topic: config.V2V_INGEST_TOPIC,
      groupId: config.V2V_INGEST_GROUP,
      gatewaySecret: config.V2V_GATEWAY_KEY_SECRET,
    });
    stops.push(() => consumer.stop());
    const ops = await startOpsServer({ pool, metrics, joined: consumer.joined, port: options.port ?? config.V2V_INGEST_PORT });
    stops.push(() => ops.close());
    logger.info({ opsUrl: ops.url }, 'ingest started');
    return { opsUrl: ops.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Runs until SIGINT or SIGTERM, then stops: the chunk in flight commits or rolls back whole. */
export async function runIngest(options: { config: Config; logger: Logger; port?: number }): Promise<void> {
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const ingest = await startIngest(options);
  const signal = await stopRequested;
  options.logger.info({ signal }, 'ingest stopping');
  await ingest.stop();
  options.logger.info('ingest stopped');
}
