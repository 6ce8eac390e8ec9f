import type { Kafka, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { gatewayVerifier, SIGNATURE_HEADER } from '../../src/ingest/gateway-signature.js';
import { SensorGateway } from '../../src/live/gateway.js';

const SECRET = 'the-live-driver-secret-of-32-characters-or-more';

/** A Kafka of one partition whose one producer keeps what it is given (V2V's producers send each partition on its own). */
function recordingKafka(sent: ProducerRecord[]): Kafka {
  const producer = { connect: async () => undefined, disconnect: async () => undefined, send: async (record: ProducerRecord) => void sent.push(record) };
  const partitions = [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] }];
  const admin = { connect: async () => undefined, disconnect: async () => undefined, fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({ topics: topics.map((name) => ({ name, partitions })) }) };
  return { producer: () => producer, admin: () => admin } as unknown as Kafka;
}

async function publishOnce(secret?: string): Promise<ProducerRecord['messages']> {
  const sent: ProducerRecord[] = [];
  const gateway = new SensorGateway(recordingKafka(sent), 'v2v.sensor.readings.v1', 5, secret);
  for (const [deviceId, gatewayId] of [['shipper-1', 'gw-courier'], ['bioreactor-1', 'gw-facility']] as const) {
    gateway.add({ deviceId, gatewayId, until: Date.now() + 60_000, channels: [{ metric: 'temperature_c', unit: 'Cel', value: () => -180 }] });
  }
  await gateway.start();
  while (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await gateway.stop();
  gateway.check();
  return sent[0]!.messages;
}

describe('the live driver’s simulated gateways', () => {
  it('sign each message with its own gateway’s key when the installation checks signatures', async () => {
    const verify = gatewayVerifier(SECRET);
    const messages = await publishOnce(SECRET);
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      const gatewayId = JSON.parse(m.value as string).gatewayId as string;
      expect(verify(gatewayId, Buffer.from(m.value as string), m.headers), gatewayId).toBeUndefined();
    }
    expect(verify('gw-facility', Buffer.from(messages[0]!.value as string), messages[0]!.headers)).toContain("not gateway gw-facility's");
  });

  it('send no signature where none is checked (the dev stack)', async () => {
    for (const m of await publishOnce()) expect(m.headers?.[SIGNATURE_HEADER]).toBeUndefined();
  });
});
