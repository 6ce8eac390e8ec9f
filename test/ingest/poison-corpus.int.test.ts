import { CompressionTypes, type KafkaMessage, type Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS, dlqTopicOf, type DeadLetterReason, type SensorReading } from '../../src/ingest/contract.js';
import { pollUntil } from '../../src/poll-until.js';
import { unique } from '../setup/services.js';
import { asMessage, digestOf, ingestTestbed, readTopic, reading, INGEST_WAIT, type Device } from './helpers.js';

/**
 * The readings topic's poison corpus, one named kind at a time (issue 19): malformed JSON, NaN and
 * Infinity, a 5 MB message, far-off timestamps, an unknown device, a foreign gateway, duplicate ids
 * and the same eventId with another eventTime. Each lands on the dead-letter topic with its reason;
 * the readings table holds every good reading exactly once and nothing of the poison.
 * (test/setup/poison-readings.ts sends seeded hostile values into every field besides.)
 */
const bed = ingestTestbed('poison-corpus');
const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();
const withRaw = (r: SensorReading, field: keyof SensorReading, raw: string) => JSON.stringify({ ...r, [field]: '__RAW__' }).replace('"__RAW__"', raw);

interface Poison {
  kind: string;
  reason: DeadLetterReason;
  message: Message;
  /** Sent compressed, as a gateway would send a big message (the broker's limit is on the compressed batch). */
  compressed?: boolean;
}

describe('the poison corpus of the readings topic', () => {
  it('dead-letters every kind with its reason and stores every good reading once', async () => {
    const lane = bed.lane(1);
    await lane.startIngest();
    const [device, foreign] = [...(await bed.registerDevices(1)), ...(await bed.registerDevices(1, 'none'))] as [Device, Device];
    const t0 = Date.now() - 20 * 60_000;
    let tick = 0;
    const good = () => reading(device, t0 + tick++ * 1_000, -180);
    const send = async (message: Message, compressed = false) => {
      const [landed] = await bed.producer.send({ topic: lane.topic, messages: [message], ...(compressed ? { compression: CompressionTypes.GZIP } : {}) });
      return landed!.baseOffset!;
    };
    const applied = async () => {
      const high = (await lane.highWatermarks())[0]!;
      await pollUntil('every message applied', async () => (await lane.storedOffsets())[0] === high, INGEST_WAIT);
    };

    // First, readings that are then stored, and one re-sent as it was: a re-send is stored once, not a dead letter.
    const stored: SensorReading[] = [good(), good(), good()];
    for (const r of stored) await send(asMessage(r));
    await send(asMessage(stored[0]!));
    await applied();

    const ghost = unique('ghost');
    const clash = good();
    const twin = { ...good(), eventId: clash.eventId };
    const text = JSON.stringify(good());
    const poison: Poison[] = [
      { kind: 'malformed JSON (cut short)', reason: 'unparseable_json', message: { key: device.deviceId, value: text.slice(0, text.length - 7) } },
      { kind: 'malformed JSON (a trailing comma)', reason: 'unparseable_json', message: { key: device.deviceId, value: text.replace(/}$/, ',}') } },
      { kind: 'NaN', reason: 'unparseable_json', message: { key: device.deviceId, value: withRaw(good(), 'value', 'NaN') } },
      { kind: 'Infinity', reason: 'unparseable_json', message: { key: device.deviceId, value: withRaw(good(), 'value', 'Infinity') } },
      { kind: '-Infinity', reason: 'unparseable_json', message: { key: device.deviceId, value: withRaw(good(), 'value', '-Infinity') } },
      { kind: '1e400 (Infinity once parsed)', reason: 'schema_violation', message: { key: device.deviceId, value: withRaw(good(), 'value', '1e400') } },
      { kind: 'a 5 MB message', reason: 'oversize', compressed: true, message: { key: device.deviceId, value: JSON.stringify({ ...good(), padding: 'x'.repeat(5 * 1024 * 1024) }) } },
      { kind: 'a timestamp far in the past (year 1)', reason: 'impossible_timestamp', message: asMessage({ ...good(), eventTime: '0001-01-01T00:00:00Z' }) },
      { kind: 'a timestamp before 2000', reason: 'impossible_timestamp', message: asMessage({ ...good(), eventTime: '1999-12-31T23:59:59Z' }) },
      { kind: 'a timestamp far in the future (year 9999)', reason: 'impossible_timestamp', message: asMessage({ ...good(), eventTime: '9999-12-31T23:59:59Z' }) },
      { kind: 'a timestamp an hour ahead', reason: 'impossible_timestamp', message: asMessage({ ...good(), eventTime: new Date(Date.now() + 3_600_000).toISOString() }) },
      { kind: 'an unknown device', reason: 'unknown_device', message: asMessage({ ...good(), deviceId: ghost }) },
      { kind: 'a foreign gateway', reason: 'unauthorised_gateway', message: asMessage({ ...good(), gatewayId: foreign.gatewayId }) },
      { kind: "a device of another gateway, claimed by this one", reason: 'unauthorised_gateway', message: asMessage(reading(foreign, t0, -180, { gatewayId: device.gatewayId })) },
      { kind: 'duplicate ids in one batch', reason: 'schema_violation', message: { key: device.deviceId, value: JSON.stringify({ gatewayId: device.gatewayId, readings: [clash, { ...good(), eventId: clash.eventId }] }) } },
      { kind: 'a stored eventId with another eventTime', reason: 'reused_event_id', message: asMessage({ ...stored[1]!, eventTime: new Date(t0 - 60_000).toISOString() }) },
      { kind: 'a stored eventId with another eventTime and value', reason: 'reused_event_id', message: asMessage({ ...stored[2]!, eventTime: new Date(t0 + 3_600).toISOString(), value: 25 } as SensorReading) },
    ];
    // The same eventId twice in this run, with two times: the first is stored, the second dead-lettered.
    stored.push(clash);
    const landed: { poison: Poison; offset: string }[] = [];
    for (const p of poison) {
      landed.push({ poison: p, offset: await send(p.message, p.compressed) });
      const neighbour = good();
      stored.push(neighbour);
      await send(asMessage(neighbour));
    }
    await send(asMessage(clash));
    const second = { poison: { kind: 'an eventId of this run with another eventTime', reason: 'reused_event_id' as const, message: asMessage(twin) }, offset: '' };
    second.offset = await send(second.poison.message);
    landed.push(second);
    await send(asMessage(stored[0]!));
    await applied();

    // Nothing stored twice, nothing of the poison stored: exactly the good readings, once each.
    expect(await bed.storedDigest([device.deviceId, foreign.deviceId, ghost])).toEqual(digestOf(stored.map((r) => r.eventId)));
    const { rows } = await bed.pool.query<{ n: number; ids: number }>(
      'select count(*)::int as n, count(distinct event_id)::int as ids from sensor_readings where device_id = any($1::text[])',
      [[device.deviceId, foreign.deviceId, ghost]],
    );
    expect(rows[0]).toEqual({ n: stored.length, ids: stored.length });

    const letters = await readTopic(bed.kafka, dlqTopicOf(lane.topic), landed.length);
    expect((await bed.admin.fetchTopicOffsets(dlqTopicOf(lane.topic))).reduce((n, p) => n + Number(p.high), 0)).toBe(landed.length);
    const seen: string[] = [];
    for (const { poison: p, offset } of landed) {
      const letter = letters.find((l) => header(l, DLQ_HEADERS.sourceOffset) === offset);
      expect(letter, `${p.kind}: a dead letter at offset ${offset}`).toBeDefined();
      expect(header(letter!, DLQ_HEADERS.reason), `${p.kind}: ${header(letter!, DLQ_HEADERS.error)}`).toBe(p.reason);
      expect(header(letter!, DLQ_HEADERS.error)?.startsWith(`${p.reason}: `), p.kind).toBe(true);
      expect(letter!.value!.equals(Buffer.from(p.message.value as string)), `${p.kind}: its bytes`).toBe(true);
      seen.push(`${p.kind} → ${p.reason}`);
    }
    console.log(`poison corpus: ${landed.length} dead letters, ${stored.length} good readings stored once\n  ${seen.join('\n  ')}`);
  });
});
