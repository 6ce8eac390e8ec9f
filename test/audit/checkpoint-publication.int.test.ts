import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointEventId } from '../../src/audit/checkpoint-outbox.js';
import { readCheckpointFile } from '../../src/audit/checkpoint-file.js';
import { loadVerifyingKey, verifyBytes } from '../../src/audit/checkpoint-key.js';
import { takeCheckpoint } from '../../src/audit/take-checkpoint.js';
import { createDatabase } from '../../src/db/client.js';
import { canonicalPayload, type CheckpointPayload } from '../../src/domain/audit-checkpoint.js';
import { EVENT_ID_HEADER } from '../../src/outbox/batch-events.js';
import { startOutboxPublisher } from '../../src/outbox/publisher.js';
import { pollUntil } from '../../src/poll-until.js';
import { stackConfig, unique } from '../setup/services.js';

const config = stackConfig();
// The processes' role, as the worker and the CLI connect; the owner only stands in for a lost commit.
const app = createDatabase(config.DATABASE_URL!, { max: 4 });
const owner = createDatabase(config.DATABASE_OWNER_URL!, { max: 1 });
const kafka = new Kafka({ clientId: unique('audit-test'), brokers: config.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
const dir = mkdtempSync(path.join(tmpdir(), 'v2v-audit-pub-'));
// A topic of this run's own, so reading it from the start reads only these checkpoints.
const topic = unique('test.audit.checkpoints');
const options = { keys: { privateKey: path.join(dir, 'key.pem'), publicKey: path.join(dir, 'key.pub.pem') }, dir: path.join(dir, 'checkpoints'), topic };
const withinAMinute = { timeoutMs: 60_000, intervalMs: 50 };
let consumer: Consumer | undefined;

afterAll(async () => {
  await consumer?.disconnect();
  await app.pool.end();
  await owner.pool.end();
});

interface Received {
  eventId: string;
  key: string;
  value: { payload: CheckpointPayload; signature: string };
}

const received: Received[] = [];

/** Reads the topic from its start into `received`, once for the file. */
async function readTopic(): Promise<void> {
  if (consumer) return;
  consumer = kafka.consumer({ groupId: unique('audit-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push({ eventId: message.headers![EVENT_ID_HEADER]!.toString(), key: message.key!.toString(), value: JSON.parse(message.value!.toString()) as Received['value'] });
    },
  });
}

const queued = async (eventId: string) =>
  (await app.pool.query<{ published_at: Date | null }>('select published_at from outbox where event_id = $1', [eventId])).rows[0];

describe('signed checkpoints leave the building through the outbox', () => {
  it('a checkpoint taken while Kafka is unreachable stays queued through failed sends, then reaches the topic: signature and root hold', async () => {
    const { checkpoint, file } = await takeCheckpoint(app.pool, options);
    const eventId = checkpointEventId(checkpoint);
    expect(await queued(eventId)).toEqual({ published_at: null });

    // A publisher whose broker does not answer: every round fails, and the checkpoint stays due.
    const failures: string[] = [];
    const nowhere = new Kafka({ clientId: unique('nowhere'), brokers: ['127.0.0.1:1'], connectionTimeout: 200, retry: { retries: 1, initialRetryTime: 50 }, logLevel: logLevel.NOTHING });
    const failing = startOutboxPublisher({ pool: app.pool, kafka: nowhere, log: (msg) => failures.push(msg), topics: [{ topic, partitions: 1 }] });
    await pollUntil('two failed sends', async () => failures.filter((m) => m.includes('sending failed')).length >= 2, withinAMinute);
    await failing.stop().catch(() => undefined);
    expect(await queued(eventId)).toEqual({ published_at: null });

    const publisher = startOutboxPublisher({ pool: app.pool, kafka, log: () => undefined, topics: [{ topic, partitions: 1 }] });
    try {
      await pollUntil('the checkpoint published', async () => (await queued(eventId))?.published_at, withinAMinute);
      // Read from the topic's start, which the publisher created.
      await readTopic();
      const ours = await pollUntil('the checkpoint on the topic', async () => received.filter((r) => r.eventId === eventId).length > 0 && received.filter((r) => r.eventId === eventId), withinAMinute);
      const onFile = readCheckpointFile(file, loadVerifyingKey(options.keys.publicKey));
      for (const copy of ours) {
        expect(copy.key).toBe(checkpoint.payload.id);
        expect(verifyBytes(loadVerifyingKey(options.keys.publicKey), canonicalPayload(copy.value.payload), copy.value.signature)).toBe(true);
        expect(copy.value.payload.root).toBe(onFile.payload.root);
        expect(copy.value.payload).toEqual(onFile.payload);
      }

      // The topic is the configured one, with one partition: the checkpoints' order is the topic's.
      const admin = kafka.admin();
      await admin.connect();
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      await admin.disconnect();
      expect(meta?.partitions).toHaveLength(1);
    } finally {
      await publisher.stop();
    }
  });

  it('a checkpoint whose file was written but whose queueing was lost is queued by the next one, and both reach the topic in order', async () => {
    const first = await takeCheckpoint(app.pool, options);
    // What a crash between the file's write and the commit leaves: the file, no outbox row.
    await owner.pool.query('delete from outbox where event_id = $1', [checkpointEventId(first.checkpoint)]);
    expect(await queued(checkpointEventId(first.checkpoint))).toBeUndefined();

    const second = await takeCheckpoint(app.pool, options);
    expect(second.checkpoint.payload.previous).not.toBeNull();
    const publisher = startOutboxPublisher({ pool: app.pool, kafka, log: () => undefined, topics: [{ topic, partitions: 1 }] });
    try {
      await readTopic();
      for (const { checkpoint } of [first, second]) {
        await pollUntil(`checkpoint ${checkpoint.payload.id} published`, async () => (await queued(checkpointEventId(checkpoint)))?.published_at, withinAMinute);
      }
      const keys = await pollUntil('both on the topic', async () => {
        const seen = [...new Set(received.map((r) => r.key))];
        return seen.includes(second.checkpoint.payload.id) && seen;
      }, withinAMinute);
      expect(keys.indexOf(first.checkpoint.payload.id)).toBeGreaterThanOrEqual(0);
      expect(keys.indexOf(first.checkpoint.payload.id)).toBeLessThan(keys.indexOf(second.checkpoint.payload.id));
    } finally {
      await publisher.stop();
    }
  });
});
