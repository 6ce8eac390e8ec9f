import type { Kafka } from 'kafkajs';

/** In-sync replicas of each partition of `topic`, as the cluster reports them now. */
export async function isrCounts(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.map((p) => p.isr.length);
  } finally {
    await admin.disconnect();
  }
}

/** Every message of `topic` up to its end as of the call, read by a new consumer group; key and value as text. */
export async function consumeAll(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<{ key: string; value: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())).map((o) => [o.partition, BigInt(o.high)]));
  const got: { key: string; value: string }[] = [];
  const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  if (pending.size === 0) return got;
  const consumer = kafka.consumer({ groupId: `v2v-production-check-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${got.length} messages of ${topic} in ${timeoutMs} ms; partitions ${[...pending].join(', ')} not at their end`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (BigInt(message.offset) >= ends.get(partition)!) return;
          got.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          if (BigInt(message.offset) + 1n >= ends.get(partition)!) pending.delete(partition);
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}
