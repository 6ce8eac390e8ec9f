/**
 * Ingest benchmark (see bench/README.md): N readings pre-produced to a fresh topic, then consumed by
 * V2V's ingest and by the baseline and limit consumers in the same run; then excursion latency
 * under background load.
 *
 *   npx tsx bench/ingest/main.ts [--readings 1000000] [--devices 500] [--partitions 12] [--preload 20000000]
 */
import pg from 'pg';
import { log } from '../workflows/log.js';
import { registerFleet, reading, retireFleet, EVENT_SPACING_MS, type Device } from './fleet.js';
import { copyRows, naiveConsumer, noopConsumer, scratchTable } from './limits.js';
import { Client, Connection } from '@temporalio/client';
import { equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import { latencyPhase, terminateFleetWorkflows } from './latency.js';
import { temporalTransport } from '../../src/transport.js';
import { config, DATABASE_OWNER_URL, DATABASE_URL, DEVICES, EVENT_IDS, flags, NAIVE_SECONDS, PARTITIONS, PRELOAD, READINGS, RUN } from './parameters.js';
import { writeReport } from './report.js';
import { connectedProducer, createTopic, sendAll } from './topic.js';
import { ingestPhase } from './throughput.js';
import { preloadReadings } from './preload.js';
import { PARTITIONS_AT_ONCE } from '../../src/ingest/consumer.js';

/** The COPY limit writes on as many connections as ingest applies partitions at once. */
const COPY_STREAMS = PARTITIONS_AT_ONCE;

async function main() {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  // The scratch tables of (b) and (c2) are created and dropped by the tables' owner: the processes' role may not.
  const owner = new pg.Pool({ connectionString: DATABASE_OWNER_URL, max: COPY_STREAMS });
  // As the owner too: only a table's owner may ANALYZE it, and the preload ends with one.
  if (PRELOAD > 0) await preloadReadings(owner, PRELOAD);
  const devices = await registerFleet(pool, RUN, DEVICES);
  try {
    // Each part is printed as soon as it is measured, so a failure later does not lose it.
    if (!flags['skip-throughput']) console.log(writeReport({ throughput: await throughputPhases(pool, owner, devices) }));
    if (!flags['skip-latency']) {
      // A fleet of its own: the first fleet's engine state was judged on the unscaled clock, and
      // re-judging its pending readings on the compressed one would find a gap between each pair.
      const live = await registerFleet(pool, `${RUN}-live`, DEVICES);
      try {
        console.log(writeReport({ latency: await latencyPhase(pool, live) }));
      } finally {
        await retireFleet(pool, live);
        await forgetFleetWorkflows(pool, live);
      }
    }
  } finally {
    await retireFleet(pool, devices);
    await forgetFleetWorkflows(pool, devices);
    await pool.end();
    await owner.end();
  }
}

/**
 * The fleet's equipment exists only for this run: its workflows are terminated, and signals still
 * queued for them are marked as not sent (outcome `not_running`) so that no later ingest process
 * starts those workflows again.
 */
async function forgetFleetWorkflows(pool: pg.Pool, devices: Device[]) {
  await pool.query("update workflow_signals set sent_at = now(), outcome = 'not_running' where sent_at is null and workflow_id = any($1::text[])", [
    devices.map((d) => equipmentWorkflowId(d.equipmentId)),
  ]);
  const connection = await Connection.connect(temporalTransport(config));
  try {
    await terminateFleetWorkflows(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), devices);
  } finally {
    await connection.close();
  }
}

/** The same pre-produced messages through V2V's ingest, the naive baseline and the two limits. */
async function throughputPhases(pool: pg.Pool, owner: pg.Pool, devices: Device[]) {
  const topic = `${RUN}.readings`;
  const table = (name: string) => `${RUN.replace('-', '_')}_${name}`;
  log(`run ${RUN}: ${READINGS} readings from ${DEVICES} devices into ${PARTITIONS} partitions, eventIds ${EVENT_IDS}`);
  await createTopic(topic, PARTITIONS);
  const perDevice = Math.ceil(READINGS / DEVICES);
  const startMs = Date.now() - perDevice * EVENT_SPACING_MS - 60_000;
  const values: { key: string; value: string }[] = [];
  for (let n = 0; values.length < READINGS; n++) {
    for (const device of devices) {
      if (values.length === READINGS) break;
      values.push({ key: device.id, value: JSON.stringify(reading(device, n, startMs, EVENT_IDS)) });
    }
  }
  const producer = await connectedProducer();
  const producing = performance.now();
  await sendAll(producer, topic, values);
  await producer.disconnect();
  log(`produced in ${((performance.now() - producing) / 1000).toFixed(1)} s`);
  try {
    log('(c1) kafkajs consumer that does nothing');
    const noop = await noopConsumer(topic, `${RUN}-noop`, READINGS);
    log('(a) v2v ingest');
    const ingest = await ingestPhase(pool, topic, `${RUN}-ingest`, READINGS);
    log(`(b) naive consumer, one INSERT per reading, for at most ${NAIVE_SECONDS} s`);
    await scratchTable(owner, table('naive'));
    const naive = await naiveConsumer(owner, topic, `${RUN}-naive`, table('naive'), NAIVE_SECONDS, READINGS);
    log('(c2) PostgreSQL COPY of the same rows');
    await scratchTable(owner, table('copy'));
    const copy = await copyRows(owner, table('copy'), values.map((v) => v.value), COPY_STREAMS);
    return { noop, ingest, naive, copy };
  } finally {
    for (const name of ['naive', 'copy']) await owner.query(`drop table if exists ${table(name)}`);
  }
}

await main();
