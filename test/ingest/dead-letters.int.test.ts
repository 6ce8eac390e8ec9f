import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS, dlqTopicOf, type DeadLetterReason, type SensorReading } from '../../src/ingest/contract.js';
import { pollUntil } from '../../src/poll-until.js';
import { unique } from '../setup/services.js';
import { stopV2vProcess } from '../setup/v2v-process.js';
import { asMessage, digestOf, ingestTestbed, metricSample, readTopic, reading, INGEST_WAIT, type Landed } from './helpers.js';

const bed = ingestTestbed('dead-letters');
const MAX_BYTES = 4096;


const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

describe('messages that can never be applied', () => {
  it('go to the dead-letter topic as sent, with why and where from, while their neighbours are stored', async () => {
    const lane = bed.lane(1);
    const ingest = await lane.startIngest({ V2V_INGEST_MAX_MESSAGE_BYTES: String(MAX_BYTES) });
    const [device] = await bed.registerDevices(1);
    // Registered to a gateway of its own: the valid device's gateway may not speak for it.
    const [foreign] = await bed.registerDevices(1, 'none');
    const t0 = Date.now() - 60_000;
    const valid = (i: number) => reading(device!, t0 + i * 1_000, -180);
    const asIs = (r: object, key = device!.deviceId): Message => ({ key, value: JSON.stringify(r) });
    const ghost = unique('ghost');

    const poison: [DeadLetterReason, Message][] = [
      ['oversize', asIs({ ...valid(100), padding: 'x'.repeat(MAX_BYTES) })],
      ['unparseable_json', { key: device!.deviceId, value: `{"eventId": "${valid(101).eventId}", "value": -18` }],
      ['schema_violation', asIs({ ...valid(102), value: 'cold' })],
      ['impossible_timestamp', asIs({ ...valid(103), eventTime: '1999-12-31T23:59:59Z' })],
      ['unknown_device', asIs({ ...valid(104), deviceId: ghost }, ghost)],
      ['unauthorised_gateway', asIs(reading(foreign!, t0, -180, { gatewayId: device!.gatewayId }), foreign!.deviceId)],
    ];
    // valid, poison, valid, poison, …, valid: every dead letter sits between two good readings.
    const neighbours: SensorReading[] = [valid(0)];
    const landed: { reason: DeadLetterReason; message: Message; at: Landed }[] = [];
    await lane.produceOne(asMessage(neighbours[0]!));
    for (const [i, [reason, message]] of poison.entries()) {
      landed.push({ reason, message, at: await lane.produceOne(message) });
      neighbours.push(valid(i + 1));
      await lane.produceOne(asMessage(neighbours.at(-1)!));
    }

    const high = await lane.highWatermarks();
    expect(high).toEqual({ 0: String(neighbours.length + poison.length) });
    await pollUntil('every message applied', async () => (await lane.storedOffsets())[0] === high[0], INGEST_WAIT);
    expect(await bed.storedDigest([device!.deviceId, foreign!.deviceId, ghost])).toEqual(digestOf(neighbours.map((r) => r.eventId)));

    const dlq = dlqTopicOf(lane.topic);
    const letters = await readTopic(bed.kafka, dlq, poison.length);
    expect((await bed.admin.fetchTopicOffsets(dlq)).reduce((n, p) => n + Number(p.high), 0)).toBe(poison.length);
    for (const { reason, message, at } of landed) {
      const letter = letters.find((l) => header(l, DLQ_HEADERS.sourceOffset) === at.offset);
      expect(letter, `the dead letter of the ${reason} message at offset ${at.offset}`).toBeDefined();
      expect({
        reason: header(letter!, DLQ_HEADERS.reason),
        error: header(letter!, DLQ_HEADERS.error)?.startsWith(`${reason}: `),
        topic: header(letter!, DLQ_HEADERS.sourceTopic),
        partition: header(letter!, DLQ_HEADERS.sourcePartition),
        key: letter!.key?.toString(),
      }).toEqual({ reason, error: true, topic: lane.topic, partition: String(at.partition), key: message.key });
      expect(letter!.value!.equals(Buffer.from(message.value as string)), `the ${reason} message's bytes`).toBe(true);
    }

    for (const reason of poison.map(([r]) => r)) {
      expect(await metricSample(ingest.opsUrl, `v2v_ingest_dead_letters_total{reason="${reason}"}`), reason).toBe(1);
    }
    const [healthz, readyz] = await Promise.all([fetch(`${ingest.opsUrl}/healthz`), fetch(`${ingest.opsUrl}/readyz`)]);
    expect(healthz.status).toBe(200);
    expect([readyz.status, await readyz.json()]).toEqual([200, { status: 'ready', checks: { postgres: 'up', consumerGroup: 'joined' } }]);
    await stopV2vProcess(ingest.child);
  });
});
