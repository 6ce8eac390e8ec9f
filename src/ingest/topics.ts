import type { Admin, Kafka } from 'kafkajs';
import { createMissingTopics } from '../kafka-client.js';
import { pollUntil } from '../poll-until.js';
import { dlqTopicOf } from './contract.js';

/** Creates the readings topic (and its dead-letter topic) when missing, and answers its partition count once each has a leader. */
export async function ensureIngestTopics(kafka: Kafka, topic: string, partitions: number): Promise<{ created: string[]; partitions: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await createMissingTopics(admin, [
      { topic, numPartitions: partitions },
      { topic: dlqTopicOf(topic), numPartitions: Math.min(partitions, 3) },
    ]);
    return { created, partitions: await partitionsLed(admin, topic) };
  } finally {
    await admin.disconnect();
  }
}

/** A broker's answers while a topic it is told of is not yet known to it or has partitions without a leader. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** The broker's error code name, on the error or, when kafkajs gave up retrying it, on its cause. */
function protocolErrorType(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  if ('type' in err && typeof err.type === 'string') return err.type;
  return protocolErrorType(err.cause);
}

/**
 * The topic's partition count, once every partition has a leader. Two ingest processes starting
 * together both find the topic missing; the one whose create loses is told it exists (kafkajs then
 * does not wait for leaders), and for a moment the broker it asks next may not know it yet: on the
 * three-broker topology that ended ingest-2 with "This server does not host this topic-partition".
 */
export async function partitionsLed(admin: Pick<Admin, 'fetchTopicMetadata'>, topic: string, timeoutMs = 30_000): Promise<number> {
  return whileTopicSettles(`every partition of ${topic} to have a leader`, async () => {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const led = metadata !== undefined && metadata.partitions.length > 0 && metadata.partitions.every((p) => p.leader >= 0);
    return led ? metadata.partitions.length : undefined;
  }, timeoutMs);
}

/**
 * Tries `attempt` every 200 ms until it answers (anything but undefined), while a broker says the
 * topic is not known or led yet: every broker learns a new topic from the controllers' log, not all
 * at the same moment, so the broker the consumer's subscribe asks may be a step behind the one that
 * answered partitionsLed. Any other error is thrown at once.
 */
export async function whileTopicSettles<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const probe = async () => {
    try {
      return await attempt();
    } catch (err) {
      if (NOT_YET.has(protocolErrorType(err) ?? '')) return undefined;
      throw err;
    }
  };
  return pollUntil(what, probe, { timeoutMs, intervalMs: 200 });
}
