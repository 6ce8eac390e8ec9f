import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type Message } from 'kafkajs';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DLQ_HEADERS, dlqTopicOf, type DeadLetterReason, type SensorReading } from '../../src/ingest/contract.js';
import { gatewayKey, signReading, SIGNATURE_HEADER } from '../../src/ingest/gateway-signature.js';
import { startIngest, type IngestProcess } from '../../src/ingest/run-ingest.js';
import { BATCH_EVENTS_TOPIC } from '../../src/outbox/batch-events.js';
import { pollUntil } from '../../src/poll-until.js';
import { issueGatewayLogin, type GatewayLogin } from '../../src/stack/kafka-users.js';
import { secureKafka, type SecureKafka } from '../setup/secure-kafka.js';
import { unique } from '../setup/services.js';
import { metricSample, readTopic, reading, INGEST_WAIT, type Device } from './helpers.js';

/*
 * Item 7 of issue 19 on the production topology's Kafka: who may publish readings, and whose
 * readings are stored. The cluster is the stack's own when the tests run on that topology, else
 * one this file starts beside the dev stack; ingest runs in this process, its log kept to be searched.
 */
const SECRET = randomBytes(32).toString('base64url');
// Under the `v2v.` prefix and in a `v2v` group: V2V's own principal may create, read and write them.
const topic = unique('v2v.it.gateway-identity');
const group = unique('v2v-it-gateway-identity');
const logged: string[] = [];
const stackEnv = inject('stackEnv');
const pool = new pg.Pool({ connectionString: stackEnv.DATABASE_URL!, max: 2 });

let kafka: SecureKafka;
let ingest: IngestProcess | undefined;
let brokers: string[];
let ca: Buffer;
let v2v: Kafka;
const gateways: Record<'own' | 'other', GatewayLogin & { id: string; key: Buffer }> = {} as never;
let device: Device;

const client = (over: Partial<KafkaConfig> = {}) =>
  new Kafka({ clientId: unique('it-gateway'), brokers, logLevel: logLevel.NOTHING, connectionTimeout: 5_000, requestTimeout: 5_000, retry: { retries: 0 }, ...over });
const as = (g: GatewayLogin) => client({ ssl: { ca: [ca] }, sasl: { mechanism: 'scram-sha-512', username: g.username, password: g.password } });

/** Sends with one producer of `kafka`, connected for it; rejects with the broker's refusal. */
async function send(kafka: Kafka, to: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 2 } });
  try {
    await producer.connect();
    await producer.send({ topic: to, messages });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Tries to read the readings topic as `kafka`'s principal, in a `v2v` group: what the broker said
 * when it refused, and how many messages got through before that.
 */
async function tryToRead(kafka: Kafka): Promise<{ refusal: string; read: number }> {
  const consumer = kafka.consumer({ groupId: unique('v2v-it-reader'), retry: { retries: 0 } });
  const crashed = new Promise<string>((resolve) => consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error.message)));
  let read = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => void read++ });
    return { refusal: await crashed, read };
  } catch (err) {
    return { refusal: err instanceof Error ? err.message : String(err), read };
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

const signed = (r: SensorReading, key: Buffer | undefined): Message => {
  const value = JSON.stringify(r);
  return { key: r.deviceId, value, ...(key ? { headers: { [SIGNATURE_HEADER]: signReading(key, value) } } : {}) };
};

beforeAll(async () => {
  const started = performance.now();
  kafka = await secureKafka((line) => console.error(`[secure kafka] ${line}`));
  brokers = kafka.env.KAFKA_BROKERS!.split(',');
  ca = readFileSync(kafka.env.KAFKA_TLS_CA_FILE!);
  v2v = client({ ssl: { ca: [ca] }, sasl: { mechanism: 'scram-sha-512', username: kafka.env.KAFKA_SASL_USERNAME!, password: kafka.env.KAFKA_SASL_PASSWORD! }, retry: { retries: 5 } });
  // Side by side: each login is a run of kafka-configs, a JVM of its own.
  await Promise.all(
    (['own', 'other'] as const).map(async (which) => {
      const id = unique(`gw-${which}`);
      gateways[which] = { ...(await issueGatewayLogin(kafka.ctx, id, topic)), id, key: gatewayKey(SECRET, id) };
    }),
  );
  const site = unique('it-gateway-site');
  await pool.query(`insert into sites (id, kind, name) values ($1, 'manufacturing_facility', 'Gateway identity test facility')`, [site]);
  for (const g of Object.values(gateways)) await pool.query('insert into gateways (id, name, site_id) values ($1, $1, $2)', [g.id, site]);
  device = { deviceId: unique('probe'), gatewayId: gateways.own.id, equipmentId: '' };
  await pool.query('insert into devices (id, gateway_id, kind) values ($1, $2, $3)', [device.deviceId, device.gatewayId, 'freezer_probe']);
  const config = loadConfig({ ...stackEnv, ...kafka.env, V2V_INGEST_TOPIC: topic, V2V_INGEST_GROUP: group, V2V_INGEST_PORT: '0', V2V_INGEST_PARTITIONS: '1', V2V_GATEWAY_KEY_SECRET: SECRET });
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  ingest = await startIngest({ config, logger });
  console.error(`secure Kafka, two gateways and ingest ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 240_000);

afterAll(async () => {
  await ingest?.stop();
  await kafka?.stop();
  await pool.end();
});

describe('the production topology’s Kafka', () => {
  it('refuses a client with no credentials, with unknown or wrong ones, or without TLS, before it can publish or read', async () => {
    const message = signed(reading(device, Date.now(), 4), gateways.own.key);
    const anonymous = client({ ssl: { ca: [ca] } });
    await expect(send(anonymous, topic, [message])).rejects.toThrow();
    expect(await tryToRead(anonymous)).toMatchObject({ refusal: expect.any(String), read: 0 });
    await expect(send(client(), topic, [message])).rejects.toThrow();
    expect(await tryToRead(client())).toMatchObject({ refusal: expect.any(String), read: 0 });
    await expect(send(as({ ...gateways.own, username: 'intruder' }), topic, [message])).rejects.toThrow(/SASL|authentication/i);
    await expect(send(as({ ...gateways.own, password: 'not-the-password' }), topic, [message])).rejects.toThrow(/SASL|authentication/i);
  });

  it('lets a gateway write to the readings topic and do nothing else: no other topic, no reading, no group', async () => {
    const gateway = as(gateways.own);
    await send(gateway, topic, [signed(reading(device, Date.now() - 1_000, 4.1), gateways.own.key)]);
    for (const elsewhere of [dlqTopicOf(topic), BATCH_EVENTS_TOPIC, unique('v2v.it.new-topic')]) {
      await expect(send(gateway, elsewhere, [{ value: 'x' }]), elsewhere).rejects.toThrow(/authoriz/i);
    }
    const admin = gateway.admin();
    await admin.connect();
    try {
      // Metadata names only the topics a principal may describe.
      expect(await admin.listTopics()).toEqual([topic]);
      await expect(admin.createTopics({ topics: [{ topic: unique('v2v.it.made-by-a-gateway') }] })).rejects.toMatchObject({
        errors: [expect.objectContaining({ type: 'TOPIC_AUTHORIZATION_FAILED' })],
      });
    } finally {
      await admin.disconnect();
    }
    // No right on any group: the broker answers FindCoordinator with GROUP_AUTHORIZATION_FAILED, which kafkajs reports so.
    expect(await tryToRead(gateway)).toEqual({ refusal: expect.stringMatching(/authoriz|failed to find group coordinator/i), read: 0 });
  });

  it('stores a reading only when the gateway its device is registered to signed it; any other goes to the dead letters, and no secret reaches the log', async () => {
    const t0 = Date.now() - 60_000;
    const cases: { what: string; by: GatewayLogin; message: Message; expected: 'stored' | DeadLetterReason }[] = [
      { what: 'signed by its own gateway', by: gateways.own, message: signed(reading(device, t0, 4.2), gateways.own.key), expected: 'stored' },
      { what: 'unsigned, from its own gateway’s login', by: gateways.own, message: signed(reading(device, t0 + 1_000, 4.3), undefined), expected: 'unverified_gateway' },
      { what: 'naming its gateway, signed by another', by: gateways.other, message: signed(reading(device, t0 + 2_000, 4.4), gateways.other.key), expected: 'unverified_gateway' },
      {
        what: 'signed by its own gateway, the value changed afterwards',
        by: gateways.other,
        message: { ...signed(reading(device, t0 + 3_000, 4.5), gateways.own.key), value: JSON.stringify(reading(device, t0 + 3_000, -80)) },
        expected: 'unverified_gateway',
      },
      { what: 'naming and signed by another gateway', by: gateways.other, message: signed(reading(device, t0 + 4_000, 4.6, { gatewayId: gateways.other.id }), gateways.other.key), expected: 'unauthorised_gateway' },
    ];
    for (const c of cases) await send(as(c.by), topic, [c.message]);

    const admin = v2v.admin();
    await admin.connect();
    const [end] = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const stored = async () => (await pool.query<{ next_offset: string }>('select next_offset from consumer_offsets where group_id = $1 and topic = $2', [group, topic])).rows[0]?.next_offset;
    await pollUntil('ingest to apply every message', async () => (await stored()) === end!.high, INGEST_WAIT);

    const { rows } = await pool.query<{ event_id: string }>('select event_id from sensor_readings where device_id = $1', [device.deviceId]);
    const eventId = (m: Message) => (JSON.parse(m.value as string) as SensorReading).eventId;
    const expectedStored = cases.filter((c) => c.expected === 'stored').map((c) => eventId(c.message));
    // The second test's reading, signed by its own gateway, is stored too.
    expect(rows.map((r) => r.event_id).filter((id) => expectedStored.includes(id))).toEqual(expectedStored);
    expect(rows).toHaveLength(expectedStored.length + 1);

    const refused = cases.filter((c) => c.expected !== 'stored');
    const letters = await readTopic(v2v, dlqTopicOf(topic), refused.length, unique('v2v-it-dlq-reader'));
    const reasonOf = (c: (typeof cases)[number]) => letters.find((l) => l.value?.toString() === c.message.value)?.headers?.[DLQ_HEADERS.reason]?.toString();
    expect(Object.fromEntries(refused.map((c) => [c.what, reasonOf(c)]))).toEqual(Object.fromEntries(refused.map((c) => [c.what, c.expected])));
    expect(await metricSample(ingest!.opsUrl, 'v2v_ingest_dead_letters_total{reason="unverified_gateway"}')).toBe(3);

    const secrets = [SECRET, kafka.env.KAFKA_SASL_PASSWORD!, ...Object.values(gateways).flatMap((g) => [g.password, g.key.toString('hex')])];
    expect(logged.length).toBeGreaterThan(0);
    expect(secrets.filter((s) => logged.some((line) => line.includes(s)))).toEqual([]);
  });
});
