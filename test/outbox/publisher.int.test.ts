import { inArray } from 'drizzle-orm';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { outbox } from '../../src/db/schema/index.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { JOURNEY } from '../../src/domain/stages.js';
import { BATCH_EVENTS_TOPIC, EVENT_ID_HEADER } from '../../src/outbox/batch-events.js';
import { startOutboxPublisher } from '../../src/outbox/publisher.js';
import { pollUntil } from '../../src/poll-until.js';
import { stackConfig, unique } from '../setup/services.js';
import { createBatch, createProduct, createSites } from '../activities/batch-fixtures.js';

const config = stackConfig();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 6 });
const kafka = new Kafka({ clientId: unique('outbox-test'), brokers: config.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
const activities = createBatchActivities({ db, pool });
const problems: string[] = [];
const log = (msg: string, fields?: object) => problems.push(`${msg} ${JSON.stringify(fields)}`);

beforeAll(async () => {
  await migrateDatabase(config.DATABASE_URL!);
  await seedReferenceData(db);
});
afterAll(() => pool.end());

/** Stage changes through the real activity: each writes one outbox row. */
async function stageChanges(batchIds: string[], perBatch: number, from: number, productId: string, coiOf: Map<string, string>) {
  const eventIds: string[] = [];
  for (const batchId of batchIds) {
    for (let n = from; n < from + perBatch; n++) {
      const eventId = `${batchId}:stage:${n}`;
      await activities.recordStageChange({
        eventId,
        batchId,
        coiId: coiOf.get(batchId)!,
        productId,
        stage: JOURNEY[n % JOURNEY.length]!,
        previous: JOURNEY[(n - 1) % JOURNEY.length]!,
        at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
      });
      eventIds.push(eventId);
    }
  }
  return eventIds;
}

const withinAMinute = { timeoutMs: 60_000, intervalMs: 25 };

const unpublished = async (eventIds: string[]) =>
  (await db.select({ eventId: outbox.eventId, publishedAt: outbox.publishedAt }).from(outbox).where(inArray(outbox.eventId, eventIds))).filter((r) => r.publishedAt === null)
    .length;

describe('the outbox publisher', () => {
  let consumer: Consumer;
  afterAll(() => consumer?.disconnect());

  it('delivers every stage change exactly once per event id across a stop, a restart, a lost commit and two publishers', async () => {
    const where = await createSites(db);
    const product = await createProduct(db);
    const batches = await Promise.all(Array.from({ length: 6 }, () => createBatch(db, { ...where, productId: product.id })));
    const coiOf = new Map(batches.map((b) => [b.id, b.coiId]));
    const ours = new Set(batches.map((b) => b.id));

    // A fresh group that starts at the topic's current end, so only this run's messages are read.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: BATCH_EVENTS_TOPIC, numPartitions: 3 }], waitForLeaders: true });
    const groupId = unique('outbox-consumer');
    const ends = await admin.fetchTopicOffsets(BATCH_EVENTS_TOPIC);
    await admin.setOffsets({ groupId, topic: BATCH_EVENTS_TOPIC, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    await admin.disconnect();

    const received: { eventId: string; key: string; value: { eventId: string; batchId: string } }[] = [];
    consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: BATCH_EVENTS_TOPIC });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value!.toString()) as { eventId: string; batchId: string };
        if (!ours.has(value.batchId)) return;
        received.push({ eventId: message.headers![EVENT_ID_HEADER]!.toString(), key: message.key!.toString(), value });
      },
    });

    // Round one: a publisher taking small rounds is stopped as soon as it has published some.
    const first = await stageChanges([...ours], 40, 1, product.id, coiOf);
    const publisher = startOutboxPublisher({ pool, kafka, log, batchSize: 20 });
    await pollUntil('some rows to be published', async () => (await unpublished(first)) < first.length, withinAMinute);
    await publisher.stop();
    const leftAfterStop = await unpublished(first);

    // While no publisher runs: more changes, and a commit "lost" after its send (published_at reset,
    // as if the process died between send and commit), which makes those rows go out twice.
    const second = await stageChanges([...ours], 10, 41, product.id, coiOf);
    const resent = first.slice(0, 15);
    await pool.query('update outbox set published_at = null where event_id = any($1)', [resent]);

    // Round two: two publishers share the outbox.
    const workers = [startOutboxPublisher({ pool, kafka, log, batchSize: 20 }), startOutboxPublisher({ pool, kafka, log, batchSize: 20 })];
    const all = [...first, ...second];
    await pollUntil('every row to be published', async () => (await unpublished(all)) === 0, withinAMinute);
    await Promise.all(workers.map((w) => w.stop()));

    const expected = all.length + resent.length;
    await pollUntil(`the consumer to read ${expected} messages`, async () => received.length >= expected, withinAMinute);
    const seen = new Map<string, number>();
    for (const m of received) seen.set(m.eventId, (seen.get(m.eventId) ?? 0) + 1);

    // Deduped by event id: every change exactly once, each under its batch's key, nothing else.
    expect([...seen.keys()].sort()).toEqual([...all].sort());
    expect(received.every((m) => m.eventId === m.value.eventId && m.key === m.value.batchId)).toBe(true);
    // Only the rows whose commit was "lost" arrived twice.
    expect([...seen].filter(([, n]) => n > 1).map(([id]) => id).sort()).toEqual([...resent].sort());
    expect(await unpublished(all)).toBe(0);
    // The first publisher really was stopped half-way through its backlog.
    expect(leftAfterStop).toBeGreaterThan(0);
    expect(leftAfterStop).toBeLessThan(first.length);
    expect(problems).toEqual([]);
  });
});
