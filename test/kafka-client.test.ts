import { Partitioners, type Kafka, type PartitionMetadata, type Producer, type ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createMissingTopics, durableProducer, onePartitionEach } from '../src/kafka-client.js';

interface Made {
  options: unknown;
  connects: number;
  sends: number;
  records: ProducerRecord[];
  disconnected: boolean;
}

const PARTITIONS = 6;
const partitionMetadata: PartitionMetadata[] = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: (partitionId % 3) + 1, replicas: [1, 2, 3], isr: [1, 2, 3] }));

/**
 * kafkajs's side of the wrapper, as pure bookkeeping: the producers made, in order, and a script of
 * which of them refuse (as one that lost step with a partition's leader refuses every send) and
 * whether a connect fails (Kafka unreachable).
 */
function scriptedKafka(script: { refusesSends: (index: number) => boolean; refusesConnect?: (index: number, attempt: number) => boolean }) {
  const made: Made[] = [];
  const kafka = {
    producer(options: unknown) {
      const index = made.length;
      const state: Made = { options, connects: 0, sends: 0, records: [], disconnected: false };
      made.push(state);
      const send = async (record: ProducerRecord) => {
        state.sends++;
        state.records.push(record);
        if (script.refusesSends(index)) throw Object.assign(new Error('The broker received an out of order sequence number'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
        return [];
      };
      return {
        connect: async () => {
          state.connects++;
          if (script.refusesConnect?.(index, state.connects)) throw new Error('Connection error: ECONNREFUSED');
        },
        // A broken producer's disconnect that never settles must not hold up the caller.
        disconnect: () => {
          state.disconnected = true;
          return new Promise<void>(() => undefined);
        },
        send,
      } as unknown as Producer;
    },
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({ topics: topics.map((name) => ({ name, partitions: partitionMetadata })) }),
    }),
  } as unknown as Kafka;
  return { kafka, made };
}

const record = { topic: 't', messages: [{ value: 'a' }] };

describe('durableProducer', () => {
  it('is idempotent with one request in flight', () => {
    const { kafka, made } = scriptedKafka({ refusesSends: () => false });
    durableProducer(kafka);
    expect(made[0]!.options).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
  });

  it('fails the failed send at once, then sends with a fresh producer that connects on that next send', async () => {
    const { kafka, made } = scriptedKafka({ refusesSends: (i) => i === 0 });
    const producer = durableProducer(kafka);
    await producer.connect();
    await expect(producer.send(record)).rejects.toThrow(/out of order/);
    // Replaced, but not connected inside the failed send's path.
    expect(made).toHaveLength(2);
    expect(made[0]!.disconnected).toBe(true);
    expect(made[1]!.connects).toBe(0);

    await expect(producer.sendBatch({ topicMessages: [record] })).resolves.toEqual([]);
    await expect(producer.send(record)).resolves.toEqual([]);
    expect(made[1]).toMatchObject({ connects: 1, sends: 2 });
    expect(made[0]!.sends).toBe(1);
  });

  it('a connect that fails on the next send fails that send and is tried again, with another producer, on the one after', async () => {
    const { kafka, made } = scriptedKafka({ refusesSends: (i) => i === 0, refusesConnect: (i) => i === 1 });
    const producer = durableProducer(kafka);
    await producer.connect();
    await expect(producer.send(record)).rejects.toThrow(/out of order/);
    await expect(producer.send(record)).rejects.toThrow(/ECONNREFUSED/);
    expect(made[1]).toMatchObject({ connects: 1, sends: 0 });
    await expect(producer.send(record)).resolves.toEqual([]);
    expect(made).toHaveLength(3);
    expect(made[2]).toMatchObject({ connects: 1, sends: 1 });
  });

  it('a producer the caller disconnected is not connected again by a send', async () => {
    const { kafka, made } = scriptedKafka({ refusesSends: () => false });
    const producer = durableProducer(kafka);
    await producer.connect();
    void producer.disconnect();
    await producer.send(record);
    expect(made[0]!.connects).toBe(1);
  });
});

describe('one partition per send', () => {
  const keys = Array.from({ length: 40 }, (_, i) => `device-${i}`);
  const messages = keys.flatMap((key) => [1, 2].map((n) => ({ key, value: `${key}#${n}` })));

  it("gives every message the partition kafkajs's default partitioner picks for its key, and keeps each partition's order", async () => {
    const parts = await onePartitionEach([{ topic: 'readings', messages }], async () => partitionMetadata, Partitioners.DefaultPartitioner());
    const expected = Partitioners.DefaultPartitioner();
    for (const part of parts) {
      const partitions = new Set(part.messages.map((m) => m.partition));
      expect(partitions.size).toBe(1);
      for (const m of part.messages) expect(m.partition).toBe(expected({ topic: 'readings', partitionMetadata, message: { key: m.key, value: m.value } }));
      // A key's two messages in the order given.
      const values = part.messages.map((m) => String(m.value));
      for (const key of new Set(part.messages.map((m) => m.key))) expect(values.filter((v) => v.startsWith(`${String(key)}#`))).toEqual([`${String(key)}#1`, `${String(key)}#2`]);
    }
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flatMap((p) => p.messages)).toHaveLength(messages.length);
  });

  it('sends each partition of a multi-topic batch on its own, so no kafkajs send spans two brokers', async () => {
    const { kafka, made } = scriptedKafka({ refusesSends: () => false });
    const producer = durableProducer(kafka);
    await producer.connect();
    await producer.sendBatch({ topicMessages: [{ topic: 'a', messages }, { topic: 'b', messages: messages.slice(0, 3) }], acks: -1 });
    const records = made[0]!.records;
    for (const r of records) {
      expect(r.acks).toBe(-1);
      expect(new Set(r.messages.map((m) => m.partition)).size).toBe(1);
    }
    expect(new Set(records.map((r) => `${r.topic}/${r.messages[0]!.partition}`)).size).toBe(records.length);
    expect(records.reduce((n, r) => n + r.messages.length, 0)).toBe(messages.length + 3);
  });
});

describe('createMissingTopics', () => {
  /** An admin that knows `existing` and records what it is asked to create. */
  const adminKnowing = (existing: string[]) => {
    const created: unknown[] = [];
    return { created, listTopics: async () => existing, createTopics: async (options: { topics: unknown[] }) => (created.push(options), true) };
  };

  it('creates only the topics that are missing, waiting for their leaders, and names them', async () => {
    const admin = adminKnowing(['v2v.readings']);
    const names = await createMissingTopics(admin, [{ topic: 'v2v.readings', numPartitions: 12 }, { topic: 'v2v.readings.dlq', numPartitions: 3 }]);
    expect(names).toEqual(['v2v.readings.dlq']);
    expect(admin.created).toEqual([{ topics: [{ topic: 'v2v.readings.dlq', numPartitions: 3 }], waitForLeaders: true }]);
  });

  it('asks for nothing when every topic exists, so no existing topic is changed', async () => {
    const admin = adminKnowing(['a', 'b']);
    expect(await createMissingTopics(admin, [{ topic: 'a', numPartitions: 1 }, { topic: 'b', numPartitions: 99 }])).toEqual([]);
    expect(admin.created).toEqual([]);
  });
});
