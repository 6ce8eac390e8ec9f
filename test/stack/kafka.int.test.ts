import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackConfig, unique } from '../setup/services.js';

describe('Kafka from the stack', () => {
  const kafka = new Kafka({ clientId: 'v2v-smoke', brokers: stackConfig().KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates a topic, and a consumer group reads back every message a producer wrote and commits', async () => {
    const topic = unique('smoke');
    const groupId = unique('smoke-group');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    expect(await admin.listTopics()).toContain(topic);

    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `device-${i % 5}`, value: `reading-${i}` }));
    await producer.send({ topic, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    const nextOffsets = new Map<number, string>();
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          received.push(message.value!.toString());
          nextOffsets.set(partition, (BigInt(message.offset) + 1n).toString());
          if (received.length === sent.length) resolve();
        },
      });
    });
    await done;
    await consumer.commitOffsets([...nextOffsets].map(([partition, offset]) => ({ topic, partition, offset })));
    await consumer.disconnect();

    expect(received.sort()).toEqual(sent.map((m) => m.value).sort());
    // Every partition's committed offset is its end: the group has consumed everything.
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const committedOf = (partition: number) => committed!.partitions.find((p) => p.partition === partition)!.offset;
    for (const end of ends) expect(committedOf(end.partition)).toBe(end.high === '0' ? '-1' : end.high);
    expect(ends.reduce((sum, end) => sum + Number(end.high), 0)).toBe(sent.length);
  });
});
