import type { Kafka } from 'kafkajs';
import { dlqTopicOf } from './contract.js';

/**
 * Creates the readings topic (and its dead-letter topic) when missing. An existing topic is left as
 * it is: adding partitions would move devices between partitions and break their order.
 */
export async function ensureIngestTopics(kafka: Kafka, topic: string, partitions: number): Promise<{ created: string[]; partitions: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic, numPartitions: partitions },
      { topic: dlqTopicOf(topic), numPartitions: Math.min(partitions, 3) },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length > 0) await admin.createTopics({ topics: wanted, waitForLeaders: true });
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    return { created: wanted.map((t) => t.topic), partitions: metadata?.partitions.length ?? partitions };
  } finally {
    await admin.disconnect();
  }
}
