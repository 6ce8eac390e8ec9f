import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { BROKERS } from './parameters.js';

export const kafka = new Kafka({ clientId: 'v2v-bench', brokers: BROKERS, logLevel: logLevel.NOTHING });

export async function createTopic(topic: string, partitions: number) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

export async function connectedProducer(): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

/** Sends keyed JSON values in requests of `perRequest` messages (the broker takes 1 MB a request). */
export async function sendAll(producer: Producer, topic: string, values: { key: string; value: string }[], perRequest = 2_000) {
  for (let i = 0; i < values.length; i += perRequest) {
    await producer.send({ topic, acks: -1, messages: values.slice(i, i + perRequest) });
  }
}
