import type { Kafka, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { durableProducer } from '../src/kafka-client.js';

/** A kafkajs producer that refuses every send, as one that lost step with a partition's leader does. */
function brokenThenHealthy() {
  const made: { sends: number; connected: boolean; disconnected: boolean; options: unknown }[] = [];
  const kafka = {
    producer(options: unknown) {
      const state = { sends: 0, connected: false, disconnected: false, options };
      made.push(state);
      const broken = made.length === 1;
      return {
        connect: async () => void (state.connected = true),
        disconnect: async () => void (state.disconnected = true),
        send: async () => {
          state.sends++;
          if (broken) throw Object.assign(new Error('The broker received an out of order sequence number'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
          return [];
        },
        sendBatch: async () => [],
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, made };
}

describe('durableProducer', () => {
  it('is idempotent with one request in flight', () => {
    const { kafka, made } = brokenThenHealthy();
    durableProducer(kafka);
    expect(made[0]!.options).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
  });

  it('fails the send that failed, then sends with a fresh, connected producer instead of the broken one', async () => {
    const { kafka, made } = brokenThenHealthy();
    const producer = durableProducer(kafka);
    await producer.connect();
    await expect(producer.send({ topic: 't', messages: [{ value: 'a' }] })).rejects.toThrow(/out of order/);
    expect(made).toHaveLength(2);
    expect(made[0]!.disconnected).toBe(true);
    expect(made[1]!.connected).toBe(true);
    await expect(producer.send({ topic: 't', messages: [{ value: 'a' }] })).resolves.toEqual([]);
    expect(made[0]!.sends).toBe(1);
    expect(made[1]!.sends).toBe(1);
  });
});
