import { createHash, randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type KafkaMessage, type Message } from 'kafkajs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.js';
import type { SensorReading } from '../../src/ingest/contract.js';
import { ensureIngestTopics } from '../../src/ingest/topics.js';
import { pollUntil, type PollOptions } from '../../src/poll-until.js';
import { stackConfig, unique } from '../setup/services.js';
import { startV2vProcess, stopV2vProcess, type V2vProcess } from '../setup/v2v-process.js';

/**
 * The pieces every ingest integration test needs: its own topic and group, devices registered
 * straight in PostgreSQL, a producer that keys by device, and digests of what got stored.
 */
export function ingestTestbed(name: string) {
  const config = stackConfig();
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL!, max: 4 });
  const kafka = new Kafka({ clientId: unique(`test-${name}`), brokers: config.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const siteId = unique(`it-${name}-site`);
  const running = new Set<V2vProcess>();
  const startedInTest: V2vProcess[] = [];

  beforeAll(async () => {
    await migrateDatabase(config.DATABASE_URL!);
    await pool.query(`insert into sites (id, kind, name) values ($1, 'manufacturing_facility', 'Ingest test facility')`, [siteId]);
    await Promise.all([admin.connect(), producer.connect()]);
  });
  // A failed test shows what its ingest processes logged: the assertion alone rarely says why.
  afterEach((context) => {
    if (context.task.result?.state === 'fail') for (const p of startedInTest) console.error(`v2v ingest (pid ${p.child.pid}):\n${p.output().slice(-20_000)}`);
    startedInTest.length = 0;
  });
  afterAll(async () => {
    await Promise.all([...running].map((p) => stopV2vProcess(p.child, 'SIGKILL')));
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await pool.end();
  });

  /**
   * Devices on a gateway of their own, each bound from 2020 on to a freezer of its own (or to
   * nothing). Telemetry gaps are not under test here: a day-long gap keeps the wall-clock gap
   * sweepers (this file's, and those of any other ingest on the shared database, whose clock may
   * be compressed) away from these bindings, so only the readings decide their excursions.
   */
  async function registerDevices(count: number, bind: 'freezer' | 'none' = 'freezer'): Promise<Device[]> {
    const gatewayId = unique('gw');
    await pool.query('insert into gateways (id, name, site_id) values ($1, $1, $2)', [gatewayId, siteId]);
    const devices = Array.from({ length: count }, () => ({ deviceId: unique('probe'), gatewayId, equipmentId: unique('freezer') }));
    for (const d of devices) {
      await pool.query('insert into devices (id, gateway_id, kind) values ($1, $2, $3)', [d.deviceId, gatewayId, 'freezer_probe']);
      if (bind === 'none') continue;
      await pool.query(`insert into equipment (id, site_id, kind, profile) values ($1, $2, 'freezer', $3)`, [d.equipmentId, siteId, { gapMinutes: 24 * 60 }]);
      await pool.query(`insert into device_bindings (device_id, equipment_id, during) values ($1, $2, tstzrange('2020-01-01T00:00:00Z', null))`, [d.deviceId, d.equipmentId]);
    }
    return devices;
  }

  /** Stored readings of these devices: how many, how many distinct ids, and the digest of their ids. */
  async function storedDigest(deviceIds: string[]): Promise<Digest> {
    const { rows } = await pool.query<Digest>(
      `select count(*)::int as count, count(distinct event_id)::int as distinct,
              coalesce(md5(string_agg(event_id::text, ',' order by event_id)), md5('')) as md5
         from sensor_readings where device_id = any($1::text[])`,
      [deviceIds],
    );
    return rows[0]!;
  }

  async function storedCount(deviceIds: string[]): Promise<number> {
    const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from sensor_readings where device_id = any($1::text[])', [deviceIds]);
    return rows[0]!.n;
  }

  /** A readings topic and consumer group of its own, so one test's consumers never meet another's. */
  function lane(partitions: number) {
    const topic = unique(`it.${name}.readings`);
    const group = unique(`it-${name}`);

    /** `v2v ingest` on this lane's topic and group; `env` may override (DATABASE_URL, limits, clock). */
    async function startIngest(env: Record<string, string> = {}): Promise<IngestProcess> {
      const process = await startV2vProcess('ingest', 'ingest started', {
        V2V_INGEST_TOPIC: topic,
        V2V_INGEST_GROUP: group,
        V2V_INGEST_PORT: '0',
        V2V_INGEST_PARTITIONS: String(partitions),
        ...env,
      });
      running.add(process);
      startedInTest.push(process);
      process.child.once('exit', () => running.delete(process));
      const started = logLines(process).find((l) => l.msg === 'ingest started');
      return { ...process, opsUrl: String(started?.opsUrl), logLines: () => logLines(process) };
    }

    /** Sends in order, `perSend` messages a request. */
    async function produce(messages: Message[], perSend = 1_000): Promise<void> {
      for (let i = 0; i < messages.length; i += perSend) await producer.send({ topic, messages: messages.slice(i, i + perSend) });
    }

    /** Sends one message on its own, so the answer says exactly where it landed. */
    async function produceOne(message: Message): Promise<Landed> {
      const [landed] = await producer.send({ topic, messages: [message] });
      return { partition: landed!.partition, offset: landed!.baseOffset! };
    }

    /** next_offset per partition, as ingest stored it with the readings. */
    async function storedOffsets(): Promise<Record<number, string>> {
      const { rows } = await pool.query<{ partition: number; next_offset: string }>(
        'select partition, next_offset from consumer_offsets where group_id = $1 and topic = $2',
        [group, topic],
      );
      return Object.fromEntries(rows.map((r) => [r.partition, r.next_offset]));
    }

    /** Creates the topics as ingest would, for a test that produces before ingest runs. */
    const createTopics = () => ensureIngestTopics(kafka, topic, partitions);

    return { topic, group, startIngest, createTopics, produce, produceOne, storedOffsets, highWatermarks: () => highWatermarks(admin, topic) };
  }

  return { config, pool, kafka, admin, producer, siteId, lane, registerDevices, storedDigest, storedCount };
}

export interface Device {
  deviceId: string;
  gatewayId: string;
  equipmentId: string;
}

export interface Landed {
  partition: number;
  offset: string;
}

export interface Digest {
  count: number;
  distinct: number;
  md5: string;
}

export interface IngestProcess extends V2vProcess {
  opsUrl: string;
  logLines(): LogLine[];
}

export type LogLine = Record<string, unknown> & { msg?: string };

/** The JSON lines the process has written (anything else, e.g. a stack trace, is skipped). */
export function logLines(process: V2vProcess): LogLine[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** One reading of a device, as its gateway sends it. */
export function reading(device: Device, eventTime: number, value: number, over: Partial<SensorReading> = {}): SensorReading {
  return {
    eventId: randomUUID(),
    gatewayId: device.gatewayId,
    deviceId: device.deviceId,
    metric: 'temperature_c',
    value,
    unit: 'Cel',
    eventTime: new Date(eventTime).toISOString(),
    ...over,
  } as SensorReading;
}

export const asMessage = (r: SensorReading): Message => ({ key: r.deviceId, value: JSON.stringify(r) });

/** What storedDigest computes in SQL, over the ids we produced (uuid order is their text order). */
export function digestOf(eventIds: string[]): Digest {
  const sorted = [...new Set(eventIds.map((id) => id.toLowerCase()))].sort();
  return { count: eventIds.length, distinct: sorted.length, md5: createHash('md5').update(sorted.join(',')).digest('hex') };
}

/**
 * How the ingest tests wait (`pollUntil`): generously, since a process may be starting or
 * rebalancing, and through probe errors, which a restarting ingest's ops server gives meanwhile.
 */
export const INGEST_WAIT: PollOptions = { timeoutMs: 90_000, intervalMs: 200, retryErrors: true };

/** The high watermark (next offset to be written) of each partition. */
export async function highWatermarks(admin: Admin, topic: string): Promise<Record<number, string>> {
  return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
}

/** One sample of a Prometheus text exposition, e.g. `v2v_ingest_dead_letters_total{reason="oversize"}`. */
export async function metricSample(opsUrl: string, sample: string): Promise<number | undefined> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

export interface ExcursionRow {
  id: string;
  device_id: string;
  kind: string;
  state: string;
  metric: string | null;
  opened_at: Date;
  closed_at: Date | null;
  peak_value: number | null;
  duration_ms: string | null;
  updated_at: Date;
}

/** The engine's results for these devices: excursion and telemetry-gap rows, oldest first. */
export async function excursionRows(pool: pg.Pool, deviceIds: string[]): Promise<ExcursionRow[]> {
  const { rows } = await pool.query<ExcursionRow>(
    `select id, device_id, kind, state, metric, opened_at, closed_at, peak_value, duration_ms, updated_at
       from excursions where device_id = any($1::text[]) order by device_id, opened_at, kind`,
    [deviceIds],
  );
  return rows;
}

/**
 * Every message of a topic from the beginning, read by a group of its own, up to `count` (dead letters
 * may be megabytes). On a Kafka with ACLs, the group's name must be one the reader may use.
 */
export async function readTopic(kafka: Kafka, topic: string, count: number, groupId = unique('it-topic-reader')): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 2 * 1024 * 1024 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await pollUntil(`${count} messages on ${topic}`, async () => messages.length >= count, { ...INGEST_WAIT, timeoutMs: 60_000 });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
