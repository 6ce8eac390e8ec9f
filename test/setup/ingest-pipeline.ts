import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { dlqTopicOf, type SensorReading } from '../../src/ingest/contract.js';
import { stackConfig, unique } from './services.js';
import { startV2vProcess, stopV2vProcess, type V2vProcess } from './v2v-process.js';

/** The readings these tests send: temperature and tilt, as the contract types them. */
export type Reading = Extract<SensorReading, { value: number }> & { metric: 'temperature_c' | 'tilt_deg' };

export const reading = (gatewayId: string, deviceId: string, at: number, value: number, metric: Reading['metric'] = 'temperature_c'): Reading => ({
  eventId: randomUUID(), gatewayId, deviceId, metric, value, unit: metric === 'tilt_deg' ? 'deg' : 'C', eventTime: new Date(at).toISOString(),
});

/**
 * A `v2v ingest` process on a readings topic and consumer group of its own (so test files never
 * consume each other's readings), and a gateway publishing to that topic as the contract says:
 * key = deviceId, the default partitioner.
 */
export class IngestPipeline {
  readonly topic = unique('it.readings');
  readonly group = unique('it-ingest');
  private readonly kafka = new Kafka({ clientId: 'journey-gateway', brokers: stackConfig().KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  private producer?: Producer;
  private admin?: Admin;
  private process?: V2vProcess;

  constructor(private readonly timeScale: number) {}

  /** Starts the process; it creates the topic (3 partitions) before it says it has started. */
  async start(): Promise<void> {
    this.process = await startV2vProcess('ingest', 'ingest started', {
      V2V_INGEST_TOPIC: this.topic,
      V2V_INGEST_GROUP: this.group,
      V2V_INGEST_PORT: '0',
      V2V_INGEST_PARTITIONS: '3',
      V2V_TIME_SCALE: String(this.timeScale),
    });
    this.producer ??= this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    this.admin ??= this.kafka.admin();
    await Promise.all([this.producer.connect(), this.admin.connect()]);
  }

  async stop(): Promise<void> {
    if (this.process) await stopV2vProcess(this.process.child);
  }

  /** The end of the process's log lines, for failure messages. */
  log(chars = 3_000): string {
    const lines = (this.process?.output() ?? '').split('\n').filter((line) => line.startsWith('{'));
    return lines.join('\n').slice(-chars);
  }

  /** One message per reading, or with `asBatch` one gateway batch per device (DESIGN §5). */
  async publish(readings: Reading[], options: { asBatch?: boolean } = {}): Promise<void> {
    const byDevice = new Map<string, Reading[]>();
    if (options.asBatch) for (const r of readings) byDevice.set(r.deviceId, (byDevice.get(r.deviceId) ?? []).concat(r));
    const messages = options.asBatch
      ? [...byDevice].map(([deviceId, rs]) => ({ key: deviceId, value: JSON.stringify({ gatewayId: rs[0]!.gatewayId, readings: rs }) }))
      : readings.map((r) => ({ key: r.deviceId, value: JSON.stringify(r) }));
    // The broker takes up to 1 MB a request: a thousand messages at a time.
    for (let i = 0; i < messages.length; i += 1_000) await this.producer!.send({ topic: this.topic, messages: messages.slice(i, i + 1_000) });
  }

  /** The group's committed offsets, by partition. */
  async committed(): Promise<Map<number, string>> {
    const [topic] = await this.admin!.fetchOffsets({ groupId: this.group, topics: [this.topic] });
    return new Map(topic!.partitions.map((p) => [p.partition, p.offset]));
  }

  /** True once the group has committed every message on the topic (Kafka commits after PostgreSQL). */
  async caughtUp(): Promise<boolean> {
    const [ends, committed] = await Promise.all([this.admin!.fetchTopicOffsets(this.topic), this.committed()]);
    return ends.every((p) => p.high === '0' || committed.get(p.partition) === p.high);
  }

  /** Rewinds the group to the beginning of the topic; only possible while no consumer is in it. */
  async rewind(): Promise<void> {
    await this.admin!.resetOffsets({ groupId: this.group, topic: this.topic, earliest: true });
  }

  /** Stops the process and removes the topics and the group this run made. */
  async dispose(): Promise<void> {
    await this.stop();
    await this.admin?.deleteTopics({ topics: [this.topic, dlqTopicOf(this.topic)] }).catch(() => undefined);
    await this.admin?.deleteGroups([this.group]).catch(() => undefined);
    await Promise.all([this.producer?.disconnect(), this.admin?.disconnect()]);
  }
}
