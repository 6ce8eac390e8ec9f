import { parseArgs } from 'node:util';
import { databaseOwnerUrl, loadConfig } from '../../src/config.js';
import { configWithStack } from '../../src/cli/stack-env.js';
import { requireDatabaseUrl } from '../../src/db/client.js';
import { choiceFlag, countFlag } from '../flags.js';
import { EVENT_ID_VERSIONS, type EventIdVersion } from './fleet.js';

/** The run's parameters: the command-line flags, read once, and the stack's configuration. */
export const { values: flags } = parseArgs({
  options: {
    readings: { type: 'string', default: '1000000' },
    devices: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '12' },
    'naive-seconds': { type: 'string', default: '60' },
    'load-per-second': { type: 'string', default: '10000' },
    excursions: { type: 'string', default: '200' },
    batches: { type: 'string', default: '25' },
    'skip-latency': { type: 'boolean', default: false },
    'skip-throughput': { type: 'boolean', default: false },
    preload: { type: 'string', default: '0' },
    'event-ids': { type: 'string', default: 'v4' },
    profile: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npx tsx bench/ingest/main.ts [options]
  --readings N          readings pre-produced, one per message, default 1000000
  --devices D           devices they come from, default 500
  --partitions P        partitions of the benchmark topic, default 12
  --naive-seconds S     how long the naive one-INSERT-per-reading baseline runs, default 60
  --load-per-second R   background load during the latency phase, default 10000
  --excursions E        excursions timed in the latency phase, default 200
  --batches B           batch workflows they are spread over, default 25
  --skip-latency        only the throughput phases
  --skip-throughput     only the latency phase
  --preload N           make sure sensor_readings holds at least N readings first (kept between runs)
  --event-ids v4|v7     how the throughput phases' gateways make eventIds: random (v4) or time-ordered (v7), default v4
  --profile DIR         run (a)'s ingest under node --cpu-prof, profiles written to DIR`);
  process.exit(0);
}

export const EVENT_IDS: EventIdVersion = choiceFlag('event-ids', flags['event-ids'], EVENT_ID_VERSIONS);

export const config = configWithStack(loadConfig());
export const DATABASE_URL = requireDatabaseUrl(config.DATABASE_URL);
export const DATABASE_OWNER_URL = databaseOwnerUrl(config) ?? DATABASE_URL;
export const BROKERS = (config.KAFKA_BROKERS ?? '').split(',');
export const READINGS = countFlag('readings', flags.readings);
export const DEVICES = countFlag('devices', flags.devices);
export const PARTITIONS = countFlag('partitions', flags.partitions);
export const NAIVE_SECONDS = countFlag('naive-seconds', flags['naive-seconds']);
export const LOAD_PER_SECOND = countFlag('load-per-second', flags['load-per-second']);
export const EXCURSIONS = countFlag('excursions', flags.excursions);
export const BATCHES = countFlag('batches', flags.batches);
export const PRELOAD = countFlag('preload', flags.preload, 0);
export const RUN = `bench-${Date.now().toString(36)}`;
