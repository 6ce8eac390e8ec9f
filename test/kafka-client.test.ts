import type { Kafka, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { durableProducer } from '../src/kafka-client.js';

interface Made {
  options: unknown;
  connects: number;
  sends: number;
  disconnected: boolean;
}

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
      const state: Made = { options, connects: 0, sends: 0, disconnected: false };
      made.push(state);
      const send = async () => {
        state.sends++;
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
        sendBatch: send,
      } as unknown as Producer;
    },
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
