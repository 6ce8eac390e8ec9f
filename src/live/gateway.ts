import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { ACKS_ALL, durableProducer, type DurableProducer } from '../kafka-client.js';
import { MAX_READINGS_PER_MESSAGE, type SensorMessage } from '../ingest/contract.js';
import { gatewaySigner } from '../ingest/gateway-signature.js';
import type { Channel } from './sensor-values.js';

/** One device's readings, published every tick until `until` (real ms since the epoch). */
export interface SensorStream {
  deviceId: string;
  gatewayId: string;
  channels: Channel[];
  until: number;
}

/**
 * The simulated sensor gateways: every tick, each live device's channels are read and published
 * to the readings topic as the ingest contract says (one message per device, key = deviceId, a
 * gateway batch of that device's readings, event time = now), each message signed with its
 * gateway's key when the installation checks signatures (V2V_GATEWAY_KEY_SECRET).
 */
export class SensorGateway {
  private readonly producer: DurableProducer;
  private readonly sign: ((gatewayId: string, value: string) => IHeaders) | undefined;
  private readonly streams = new Map<string, SensorStream>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Readings published so far. */
  published = 0;
  /** Ticks' messages Kafka has not taken yet, oldest first. */
  private readonly unsent: { messages: { key: string; value: string; headers?: IHeaders }[]; readings: number }[] = [];
  private failingSince: number | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly tickMs: number,
    gatewaySecret?: string,
  ) {
    // The default partitioner hashes the key, so one device's readings stay in order on one partition.
    this.producer = durableProducer(kafka);
    this.sign = gatewaySecret === undefined ? undefined : gatewaySigner(gatewaySecret);
  }

  async start(): Promise<void> {
    await this.producer.connect();
    const tick = () => {
      this.sending = this.publishDue(Date.now())
        .catch((err: unknown) => void (this.failure ??= err))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.tickMs);
        });
    };
    this.timer = setTimeout(tick, this.tickMs);
  }

  /** Starts (or replaces) a device's stream. */
  add(stream: SensorStream): void {
    this.streams.set(stream.deviceId, stream);
  }

  /** Throws what went wrong publishing, if anything did: a run must not pass silently without its readings. */
  check(): void {
    if (this.failure) throw new Error(`the sensor gateway could not publish: ${this.failure instanceof Error ? this.failure.message : String(this.failure)}`);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending;
    await this.producer.disconnect();
  }

  private async publishDue(now: number): Promise<void> {
    const messages = [];
    let readingCount = 0;
    for (const stream of this.streams.values()) {
      if (now >= stream.until) {
        this.streams.delete(stream.deviceId);
        continue;
      }
      const eventTime = new Date(now).toISOString();
      const readings = stream.channels.slice(0, MAX_READINGS_PER_MESSAGE).map((c) => ({
        eventId: randomUUID(), gatewayId: stream.gatewayId, deviceId: stream.deviceId, metric: c.metric, value: c.value(now), unit: c.unit, eventTime,
      }));
      const message: SensorMessage = { gatewayId: stream.gatewayId, readings };
      const value = JSON.stringify(message);
      messages.push({ key: stream.deviceId, value, ...(this.sign ? { headers: this.sign(stream.gatewayId, value) } : {}) });
      readingCount += readings.length;
    }
    // What Kafka did not take is sent again with the next tick, as a gateway's buffer would, for
    // as long as a broker's failover takes; only a failure that outlasts it fails the run.
    this.unsent.push({ messages, readings: readingCount });
    const batch = this.unsent.splice(0);
    const all = batch.flatMap((b) => b.messages);
    if (all.length === 0) return;
    try {
      await this.producer.send({ topic: this.topic, messages: all, acks: ACKS_ALL });
      this.published += batch.reduce((n, b) => n + b.readings, 0);
      this.failingSince = undefined;
    } catch (err) {
      this.unsent.unshift(...batch);
      this.failingSince ??= now;
      if (now - this.failingSince > UNSENT_PATIENCE_MS) throw err;
    }
  }
}

/** How long a gateway keeps resending before it gives up: longer than a broker's failover (about 12 s here). */
const UNSENT_PATIENCE_MS = 60_000;
