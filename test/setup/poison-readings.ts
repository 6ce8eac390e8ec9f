import type { KafkaMessage, Message } from 'kafkajs';
import { expect } from 'vitest';
import { Random } from '../../src/domain/random.js';
import { DLQ_HEADERS, dlqTopicOf, type DeadLetterReason, type SensorReading } from '../../src/ingest/contract.js';
import { decodeMessage } from '../../src/ingest/decode.js';
import { pollUntil } from '../../src/poll-until.js';
import { digestOf, ingestTestbed, readTopic, reading, INGEST_WAIT, type Device } from '../ingest/helpers.js';
import { hostileInstant } from './command-fuzz.js';
import { describeValue, hostileText } from './hostile-values.js';
import { unique } from './services.js';

/** `v2v ingest`'s defaults (src/config.ts, src/ingest/consumer.ts): the oracle decodes as ingest does. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_FUTURE_MS = 5 * 60_000;
const CASES = 3;
const READING_FIELDS = ['eventId', 'gatewayId', 'deviceId', 'metric', 'unit', 'eventTime'] as const;

type Expected = { stored: SensorReading[] } | { reason: DeadLetterReason; names?: string };
interface Poison {
  label: string;
  message: Message;
  /** What must happen to it; by default what the contract's own decoder says, then the device registry. */
  expected?: Expected;
  /** The field a schema violation must name in its `v2v-error` header. */
  names?: string;
}

/** A JSON text with one member's value replaced by raw JSON (numbers JSON.stringify cannot write). */
const withRaw = (r: SensorReading, field: string, raw: string) => JSON.stringify({ ...r, [field]: '__RAW__' }).replace('"__RAW__"', raw);

/**
 * A readings partition of its own with a real `v2v ingest`, and the seeded poison this file sends
 * into it (call at the top of a test file: it registers the testbed's hooks).
 */
export function usePoisonPartition() {
  const bed = ingestTestbed('poison');

  function poisonFor(device: Device, r: Random, good: () => SensorReading): Poison[] {
    const key = device.deviceId;
    const json = (value: unknown, names?: string): Omit<Poison, 'label'> => ({ message: { key, value: JSON.stringify(value) }, ...(names ? { names } : {}) });
    const out: Poison[] = [];
    for (const field of READING_FIELDS) {
      for (let i = 0; i < CASES; i++) {
        const value = hostileText(r);
        out.push({ label: `${field} = ${describeValue(value)}`, ...json({ ...good(), [field]: value }, field) });
      }
    }
    const values: unknown[] = [hostileText(r), null, true, {}, [1], { lat: 91, lon: 0 }, '42'];
    for (const value of values) out.push({ label: `value = ${describeValue(value)}`, ...json({ ...good(), value }, 'value') });
    for (const raw of ['1e400', '-1e400', '-0', '5e-324', '1.7976931348623157e308', '123456789012345678901234567890']) {
      out.push({ label: `value = ${raw}`, message: { key, value: withRaw(good(), 'value', raw) } });
    }
    for (const raw of ['-1', '1.5', '"7"', '9007199254740993', '18446744073709551616', '1e400']) {
      out.push({ label: `seq = ${raw}`, message: { key, value: withRaw(good(), 'seq', raw) }, names: 'seq' });
    }
    const instant = hostileInstant(Date.now() - 60_000);
    for (let i = 0; i < 6; i++) {
      const value = instant(r);
      out.push({ label: `eventTime = ${describeValue(value)}`, ...json({ ...good(), eventTime: value }, 'eventTime') });
    }
    // Offsets ISO 8601 allows and PostgreSQL cannot store (it takes at most ±15:59): refused at the edge.
    for (const offset of ['+23:59', '-16:00']) {
      const eventTime = new Date(Date.now() - 90_000).toISOString().slice(0, 19) + offset;
      out.push({ label: `eventTime = ${eventTime}`, ...json({ ...good(), eventTime }), expected: { reason: 'schema_violation', names: 'eventTime' } });
    }
    for (let i = 0; i < CASES; i++) {
      const hostileKey = hostileText(r).slice(0, 2_000);
      out.push({ label: `key = ${describeValue(hostileKey)}`, message: { key: hostileKey, value: JSON.stringify(good()) } });
    }
    // Plain ids that name no device of this gateway: hostile in what they claim, not in their bytes.
    const ghost = unique('ghost');
    out.push({ label: 'an unregistered device', message: { key: ghost, value: JSON.stringify({ ...good(), deviceId: ghost }) }, expected: { reason: 'unknown_device' } });
    out.push({ label: "another gateway's claim", ...json({ ...good(), gatewayId: unique('gw-intruder') }), expected: { reason: 'unauthorised_gateway' } });
    const batchOf = (readings: SensorReading[]) => ({ gatewayId: device.gatewayId, readings });
    out.push({ label: 'a batch with one hostile unit', ...json(batchOf([good(), { ...good(), unit: hostileText(r) }])) });
    out.push({ label: 'a batch of another gateway', ...json({ ...batchOf([good()]), gatewayId: hostileText(r) }) });
    out.push({ label: 'a batch of 501 readings', ...json(batchOf(Array.from({ length: 501 }, good)), 'readings') });

    const text = JSON.stringify(good());
    const [head, tail] = text.split('"Cel"');
    out.push(
      { label: 'truncated JSON', message: { key, value: text.slice(0, Math.floor(r.uniform() * text.length)) } },
      { label: 'random bytes', message: { key, value: Buffer.from(r.bytes(1 + Math.floor(r.uniform() * 2_000))) } },
      // Not UTF-8, so not JSON (RFC 8259 §8.1): a decoder that substituted U+FFFD would store a unit nobody sent.
      { label: 'invalid UTF-8 inside the unit', message: { key, value: Buffer.concat([Buffer.from(`${head}"C`), Buffer.from([0xff, 0xfe]), Buffer.from(`"${tail}`)]) }, expected: { reason: 'unparseable_json' } },
      { label: 'a byte-order mark before the JSON', message: { key, value: `\uFEFF${text}` } },
      { label: 'deeply nested arrays', message: { key, value: `${'['.repeat(100_000)}${']'.repeat(100_000)}` } },
      { label: 'an empty value', message: { key, value: Buffer.alloc(0) } },
      { label: 'no value (a tombstone)', message: { key, value: null } },
      ...['null', '42', '"reading"', '[]', '{}'].map((value) => ({ label: `JSON ${value}`, message: { key, value } })),
      { label: 'a 300 KB message', ...json({ ...good(), padding: 'x'.repeat(300_000) }), expected: { reason: 'oversize' } },
      { label: 'a 200 KB unit', ...json({ ...good(), unit: 'ж'.repeat(100_000) }, 'unit') },
    );
    return out;
  }

  /** Sends good and poison readings, alternating, into one partition; checks where each went. Returns the figures. */
  async function run(seed: number): Promise<string> {
    const lane = bed.lane(1);
    const ingest = await lane.startIngest();
    const [device] = await bed.registerDevices(1);
    const t0 = Date.now() - 30 * 60_000;
    let tick = 0;
    const good = () => reading(device!, t0 + tick++ * 1_000, -180);
    const poison = poisonFor(device!, Random.stream(seed, 'fuzz', 'readings'), good);

    const oracle = (m: Message): Expected => {
      const value = m.value === null || m.value === undefined ? null : Buffer.from(m.value);
      const decoded = decodeMessage(value, m.key === null || m.key === undefined ? null : Buffer.from(m.key), { maxBytes: MAX_MESSAGE_BYTES, maxFutureMs: MAX_FUTURE_MS, now: Date.now() });
      if (!decoded.ok) return { reason: decoded.reason };
      if (decoded.readings[0]!.deviceId !== device!.deviceId) return { reason: 'unknown_device' };
      if (decoded.readings[0]!.gatewayId !== device!.gatewayId) return { reason: 'unauthorised_gateway' };
      return { stored: decoded.readings };
    };

    const stored: SensorReading[] = [];
    let hostileStored = 0;
    const letters: { label: string; offset: string; reason: DeadLetterReason; names?: string | undefined; message: Message }[] = [];
    const send = async (label: string, message: Message, expected: Expected, names?: string) => {
      const { offset } = await lane.produceOne(message);
      if ('stored' in expected) {
        stored.push(...expected.stored);
        if (label !== 'good') hostileStored++;
      }
      else letters.push({ label, offset, reason: expected.reason, names: expected.names ?? (expected.reason === 'schema_violation' ? names : undefined), message });
    };
    for (const p of poison) {
      const g = good();
      await send('good', { key: g.deviceId, value: JSON.stringify(g) }, { stored: [g] });
      await send(p.label, p.message, p.expected ?? oracle(p.message), p.names);
    }
    const last = good();
    await send('good', { key: last.deviceId, value: JSON.stringify(last) }, { stored: [last] });

    const high = (await lane.highWatermarks())[0]!;
    expect(Number(high)).toBe(poison.length * 2 + 1);
    await pollUntil('every message applied', async () => (await lane.storedOffsets())[0] === high, { ...INGEST_WAIT, timeoutMs: 60_000 });
    await pollUntil("the group's Kafka commit at the end", async () => {
      const [topic] = await bed.admin.fetchOffsets({ groupId: lane.group, topics: [lane.topic] });
      return topic!.partitions.find((p) => p.partition === 0)?.offset === high;
    }, { ...INGEST_WAIT, timeoutMs: 30_000 });

    // Every good reading stored once, as the contract kept it (trimmed unit, value to the bit).
    expect(await bed.storedDigest([device!.deviceId])).toEqual(digestOf(stored.map((s) => s.eventId)));
    const { rows } = await bed.pool.query<{ event_id: string; unit: string; value: number | null }>(
      'select event_id, unit, value from sensor_readings where device_id = $1',
      [device!.deviceId],
    );
    const byId = new Map(rows.map((row) => [row.event_id, row]));
    for (const s of stored) {
      expect(byId.get(s.eventId.toLowerCase())?.unit, s.eventId).toBe(s.unit);
      if (typeof s.value === 'number') expect(byId.get(s.eventId.toLowerCase())?.value === s.value, `${s.eventId} value ${s.value}`).toBe(true);
    }

    // Every poison message on the dead-letter topic, as sent, with its reason and the field it broke.
    const dead = await readTopic(bed.kafka, dlqTopicOf(lane.topic), letters.length);
    expect(dead).toHaveLength(letters.length);
    const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    for (const letter of letters) {
      const found = dead.find((d) => header(d, DLQ_HEADERS.sourceOffset) === letter.offset);
      expect(found, `${letter.label}: a dead letter at offset ${letter.offset}`).toBeDefined();
      expect(header(found!, DLQ_HEADERS.reason), `${letter.label}: ${header(found!, DLQ_HEADERS.error)}`).toBe(letter.reason);
      if (letter.names) expect(header(found!, DLQ_HEADERS.error), letter.label).toContain(letter.names);
      const sent = Buffer.from(letter.message.value ?? '');
      expect((found!.value ?? Buffer.alloc(0)).equals(sent), `${letter.label}: its bytes`).toBe(true);
    }
    const ready = await fetch(`${ingest.opsUrl}/readyz`);
    expect(ready.status).toBe(200);

    const reasons = new Map<string, number>();
    for (const l of letters) reasons.set(l.reason, (reasons.get(l.reason) ?? 0) + 1);
    return `${poison.length} poison messages among ${poison.length + 1} good ones in one partition: ${stored.length} readings stored once (from ${hostileStored} hostile but valid messages among them), ${letters.length} dead letters (${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}); committed offset ${high} = end`;
  }

  return { run };
}

