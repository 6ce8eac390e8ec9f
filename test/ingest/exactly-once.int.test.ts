import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../../src/ingest/contract.js';
import { pollUntil } from '../../src/poll-until.js';
import { equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import { startTcpProxy } from '../setup/tcp-proxy.js';
import { stopV2vProcess } from '../setup/v2v-process.js';
import { asMessage, digestOf, excursionRows, ingestTestbed, metricSample, reading, INGEST_WAIT, type Device, type IngestProcess } from './helpers.js';

const bed = ingestTestbed('exactly-once');
const ids = (devices: Device[]) => devices.map((d) => d.deviceId);
const eventIds = (readings: SensorReading[]) => readings.map((r) => r.eventId);

/** Every partition's stored next offset is its high watermark: ingest has applied all there is. */
async function caughtUp(lane: ReturnType<typeof bed.lane>) {
  const [stored, high] = await Promise.all([lane.storedOffsets(), lane.highWatermarks()]);
  return Object.entries(high).every(([p, h]) => h === '0' || stored[Number(p)] === h) && { stored, high };
}

/** In-range freezer readings (−180 °C), `perDevice` each, device after device, ending now. */
function steadyReadings(devices: Device[], perDevice: number, spacingMs: number): SensorReading[] {
  const start = Date.now() - perDevice * spacingMs;
  return Array.from({ length: perDevice }, (_, i) => devices.map((d) => reading(d, start + i * spacingMs, -180 + (i % 7) / 10))).flat();
}

/** A partition assignment from a "joined the group" log line, e.g. [0, 2]. */
function lastAssignment(ingest: IngestProcess, topic: string): number[] | undefined {
  const joined = ingest.logLines().filter((l) => l.msg === 'ingest: joined the group');
  const assignment = joined.at(-1)?.assignment as Record<string, number[]> | undefined;
  return assignment?.[topic]?.slice().sort();
}

/** Produces a few readings every tick until stopped, remembering every one. */
function steadyProducer(lane: ReturnType<typeof bed.lane>, devices: Device[], perTick: number, tickMs = 100) {
  const sent: SensorReading[] = [];
  let running = true;
  const loop = (async () => {
    for (let tick = 0; running; tick++) {
      const batch = Array.from({ length: perTick }, (_, i) => reading(devices[(tick * perTick + i) % devices.length]!, Date.now(), -175));
      await lane.produce(batch.map(asMessage));
      sent.push(...batch);
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  })();
  return {
    sent,
    async stop() {
      running = false;
      await loop;
      return sent;
    },
  };
}

describe('ingest applies every reading exactly once', () => {
  it('stores re-sent and replayed messages once and leaves the excursions as they were', async () => {
    const lane = bed.lane(2);
    const devices = await bed.registerDevices(2);
    // 4 s apart, ending now; readings 20–179 are above −150 °C for 10 min 40 s: one excursion each.
    const start = Date.now() - 200 * 4_000;
    const readings = devices.flatMap((d) => Array.from({ length: 200 }, (_, i) => reading(d, start + i * 4_000, i >= 20 && i < 180 ? (i === 100 ? -130 : -140) : -180)));
    const first = await lane.startIngest();
    await lane.produce(readings.map(asMessage));
    await lane.produce(readings.map(asMessage));
    await pollUntil('both copies applied', () => caughtUp(lane), INGEST_WAIT);

    expect(await bed.storedDigest(ids(devices))).toEqual(digestOf(eventIds(readings)));
    // The counters move just after the commit that the offsets above come from.
    const counted = await pollUntil('the readings counted', async () => {
      const [stored, duplicate] = await Promise.all(['stored', 'duplicate'].map((o) => metricSample(first.opsUrl, `v2v_ingest_readings_total{outcome="${o}"}`)));
      return (stored ?? 0) + (duplicate ?? 0) >= 2 * readings.length && { stored, duplicate };
    }, INGEST_WAIT);
    expect(counted).toEqual({ stored: readings.length, duplicate: readings.length });
    const excursions = await excursionRows(bed.pool, ids(devices));
    expect(excursions.map((e) => [e.kind, e.state, e.peak_value, Number(e.duration_ms)])).toEqual([
      ['excursion', 'closed', -130, 160 * 4_000],
      ['excursion', 'closed', -130, 160 * 4_000],
    ]);
    const queuedSignals = () =>
      bed.pool
        .query('select change_id, created_at from workflow_signals where workflow_id = any($1::text[]) order by change_id', [devices.map((d) => equipmentWorkflowId(d.equipmentId))])
        .then((r) => r.rows);
    const signals = await queuedSignals();
    expect(signals).toHaveLength(4); // opened and closed, per freezer
    const offsets = await lane.storedOffsets();
    await stopV2vProcess(first.child);

    // An operator rewinds the group: Kafka hands every message over again.
    await bed.admin.resetOffsets({ groupId: lane.group, topic: lane.topic, earliest: true });
    const [rewound] = await bed.admin.fetchOffsets({ groupId: lane.group, topics: [lane.topic] });
    // kafkajs commits −2, Kafka's "earliest", which the next consumer resolves to offset 0.
    expect(rewound!.partitions.map((p) => BigInt(p.offset) <= 0n)).toEqual([true, true]);
    const replayer = await lane.startIngest();
    await pollUntil('the group to have consumed the replay', async () => {
      const [committed] = await bed.admin.fetchOffsets({ groupId: lane.group, topics: [lane.topic] });
      const high = await lane.highWatermarks();
      return committed!.partitions.every((p) => high[p.partition] === '0' || p.offset === high[p.partition]);
    }, INGEST_WAIT);

    expect(await bed.storedDigest(ids(devices))).toEqual(digestOf(eventIds(readings)));
    expect(await excursionRows(bed.pool, ids(devices))).toEqual(excursions);
    expect(await queuedSignals()).toEqual(signals);
    expect(await lane.storedOffsets()).toEqual(offsets);
    // Skipped below the stored offset, before a reading was even decoded.
    expect(await metricSample(replayer.opsUrl, 'v2v_ingest_messages_total')).toBe(0);
    expect((await metricSample(replayer.opsUrl, 'v2v_ingest_readings_total{outcome="stored"}')) ?? 0).toBe(0);
    await stopV2vProcess(replayer.child);
  });

  it('resumes after a SIGKILL mid-batch with exactly the produced set and offsets at the high watermarks', async () => {
    const lane = bed.lane(4);
    await lane.createTopics();
    const devices = await bed.registerDevices(50);
    const readings = steadyReadings(devices, 1_200, 250);
    await lane.produce(readings.map(asMessage), 2_000);

    const started = Date.now();
    const first = await lane.startIngest();
    // A quarter in, some partition's chunk is as good as certainly mid-transaction when it dies.
    const atKill = await pollUntil('a quarter of the readings stored', async () => {
      const n = await bed.storedCount(ids(devices));
      return n >= readings.length / 4 && n;
    }, { ...INGEST_WAIT, timeoutMs: 90_000, intervalMs: 20 });
    await stopV2vProcess(first.child, 'SIGKILL');
    const afterKill = await bed.storedCount(ids(devices));
    console.info(`SIGKILL after ${Date.now() - started} ms with ${atKill} readings stored (${afterKill} once it was dead)`);
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(readings.length);

    const restarted = Date.now();
    const second = await lane.startIngest();
    const joined = Date.now();
    await pollUntil('every reading stored', async () => (await bed.storedCount(ids(devices))) >= readings.length, { ...INGEST_WAIT, timeoutMs: 180_000, intervalMs: 250 });
    const rest = readings.length - afterKill;
    console.info(`restart joined in ${joined - restarted} ms, then stored ${rest} readings in ${Date.now() - joined} ms (~${Math.round(rest / ((Date.now() - joined) / 1000))} rows/s)`);

    expect(await bed.storedDigest(ids(devices))).toEqual(digestOf(eventIds(readings)));
    const { stored, high } = await pollUntil('offsets at the high watermarks', () => caughtUp(lane), INGEST_WAIT);
    expect(stored).toEqual(high);
    expect(Object.keys(high)).toHaveLength(4);
    await stopV2vProcess(second.child);
  }, 300_000);

  it('splits the partitions between two consumers, and the survivor takes over after a SIGKILL', async () => {
    const lane = bed.lane(4);
    const devices = await bed.registerDevices(20);
    const [a, b] = [await lane.startIngest(), await lane.startIngest()];
    const split = await pollUntil('two disjoint, non-empty assignments', async () => {
      const [ofA, ofB] = [lastAssignment(a, lane.topic), lastAssignment(b, lane.topic)];
      return ofA?.length && ofB?.length && ofA.every((p) => !ofB.includes(p)) && [...ofA, ...ofB].sort();
    }, INGEST_WAIT);
    expect(split).toEqual([0, 1, 2, 3]);

    const producer = steadyProducer(lane, devices, 40);
    await pollUntil('readings flowing', async () => (await bed.storedCount(ids(devices))) > 200 || false, INGEST_WAIT);
    await stopV2vProcess(b.child, 'SIGKILL');
    await pollUntil('the survivor to own every partition', async () => lastAssignment(a, lane.topic)?.length === 4, { ...INGEST_WAIT, timeoutMs: 120_000 });
    const takenOver = producer.sent.length;
    await pollUntil('readings after the takeover', async () => producer.sent.length > takenOver + 400, INGEST_WAIT);
    const sent = await producer.stop();

    await pollUntil('every reading stored', async () => (await bed.storedCount(ids(devices))) >= sent.length, { ...INGEST_WAIT, timeoutMs: 120_000 });
    expect(await bed.storedDigest(ids(devices))).toEqual(digestOf(eventIds(sent)));
    const { stored, high } = await pollUntil('offsets at the high watermarks', () => caughtUp(lane), INGEST_WAIT);
    expect(stored).toEqual(high);
    await stopV2vProcess(a.child);
  }, 300_000);

  it('waits out a lost PostgreSQL connection without dead-lettering, then stores exactly what was sent', async () => {
    const url = new URL(bed.config.DATABASE_URL!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    try {
      const lane = bed.lane(2);
      const devices = await bed.registerDevices(10);
      url.port = String(proxy.port);
      const ingest = await lane.startIngest({ DATABASE_URL: url.toString() });
      const producer = steadyProducer(lane, devices, 20);
      await pollUntil('readings flowing', async () => (await bed.storedCount(ids(devices))) > 100 || false, INGEST_WAIT);

      proxy.cut();
      const cutAt = producer.sent.length;
      await pollUntil('a failed chunk', async () => ingest.logLines().some((l) => l.msg?.startsWith('ingest: chunk not applied')), { ...INGEST_WAIT, timeoutMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      proxy.restore();
      expect(ingest.child.exitCode, 'v2v ingest died while PostgreSQL was away').toBeNull();
      expect(producer.sent.length).toBeGreaterThan(cutAt);
      const restoredAt = producer.sent.length;
      await pollUntil('readings after the restore', async () => producer.sent.length > restoredAt + 100, INGEST_WAIT);
      const sent = await producer.stop();

      await pollUntil('every reading stored', async () => (await bed.storedCount(ids(devices))) >= sent.length, { ...INGEST_WAIT, timeoutMs: 120_000 });
      expect(await bed.storedDigest(ids(devices))).toEqual(digestOf(eventIds(sent)));
      const dlq = await bed.admin.fetchTopicOffsets(`${lane.topic}.dlq`);
      expect(dlq.map((p) => p.high)).toEqual(dlq.map(() => '0'));
      expect(await metricSample(ingest.opsUrl, 'v2v_ingest_transient_failures_total')).toBeGreaterThan(0);
      await stopV2vProcess(ingest.child);
    } finally {
      await proxy.close();
    }
  }, 180_000);
});
