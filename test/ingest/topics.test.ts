import { createRequire } from 'node:module';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionsLed, whileTopicSettles } from '../../src/ingest/topics.js';

// kafkajs's errors are spread into its CommonJS exports, which Node's ESM import cannot name.
const { KafkaJSProtocolError, KafkaJSNumberOfRetriesExceeded } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
const protocolError = (type: string, message: string) => new KafkaJSProtocolError(Object.assign(new Error(message), { type, code: 3 }));

type Answer = Awaited<ReturnType<Admin['fetchTopicMetadata']>> | Error;
const partitions = (...leaders: number[]) => ({ topics: [{ name: 'readings', partitions: leaders.map((leader, partitionId) => ({ partitionId, leader, replicas: [], isr: [], partitionErrorCode: 0, offlineReplicas: [] })) }] });

/** A broker that gives these answers in turn, the last one from then on. */
function broker(...answers: Answer[]) {
  let asked = 0;
  return {
    asked: () => asked,
    async fetchTopicMetadata() {
      const answer = answers[Math.min(asked++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('partitionsLed: waiting for a topic another process has just created', () => {
  it('waits while the broker does not know the topic yet, or a partition has no leader', async () => {
    const retriesExceeded = new KafkaJSNumberOfRetriesExceeded(protocolError('LEADER_NOT_AVAILABLE', 'There is no leader'), { retryCount: 5, retryTime: 3_000 });
    const b = broker(protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition'), retriesExceeded, partitions(1, -1, 2), partitions(1, 3, 2));
    await expect(partitionsLed(b, 'readings')).resolves.toBe(3);
    expect(b.asked()).toBe(4);
  });

  it('throws any other error at once', async () => {
    const b = broker(protocolError('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics'));
    await expect(partitionsLed(b, 'readings')).rejects.toThrow('Not authorized to access topics');
    expect(b.asked()).toBe(1);
  });

  it('gives up with the topic named when leaders never come', async () => {
    await expect(partitionsLed(broker(partitions(-1)), 'readings', 300)).rejects.toThrow('every partition of readings to have a leader');
  });
});

describe("whileTopicSettles: a consumer subscribing on a broker a step behind", () => {
  it('subscribes again while the broker does not know the topic, and only then', async () => {
    const answers: (Error | 'subscribed')[] = [protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition'), 'subscribed'];
    let calls = 0;
    const subscribe = async () => {
      const answer = answers[calls++]!;
      if (answer instanceof Error) throw answer;
      return true;
    };
    await expect(whileTopicSettles('the broker to know readings', subscribe)).resolves.toBe(true);
    expect(calls).toBe(2);
  });
});
