import { randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import type pg from 'pg';
import { registerFleet, retireFleet, type Device } from '../../bench/ingest/fleet.js';
import type { gatewaySigner } from '../../src/ingest/gateway-signature.js';
import { ACKS_ALL, durableProducer } from '../../src/kafka-client.js';
import { sleep } from '../../src/stack/daemon.js';

/** At most this many readings in one request: the broker takes 1 MB a request, a reading is about 200 bytes. */
const PER_REQUEST = 2_000;

/**
 * Equipment sensors publishing at a steady rate beside the live patients' own: the readings ingest
 * must neither lose nor store twice while its consumers, brokers and database fail. Each message is
 * one reading stamped now; a send that Kafka did not acknowledge is not counted as published (the
 * gateway would send it again; here it is simply not owed).
 */
/** A reading inside the device's limits: excursions are the live patients' business here. */
export function fleetReading(device: Device, at: number, eventId: string = randomUUID()) {
  const { spec } = device;
  return { eventId, gatewayId: device.gatewayId, deviceId: device.id, metric: spec.metric, value: spec.nominal, unit: spec.unit, eventTime: new Date(at).toISOString() };
}

/** Signs as the fleet's gateways would, where the installation checks signatures (the production topology does). */
export type FleetSigner = ReturnType<typeof gatewaySigner> | undefined;

/** A fleet reading as its gateway sends it: keyed by its device, signed when there is a signer. */
export function fleetMessage(device: Device, at: number, sign: FleetSigner, eventId?: string): Message {
  const value = JSON.stringify(fleetReading(device, at, eventId));
  return { key: device.id, value, ...(sign ? { headers: sign(device.gatewayId, value) } : {}) };
}

export class ReadingsLoad {
  /** Readings Kafka acknowledged (acks=all), by their event time (one per request): a fault window is charged by it. */
  readonly acknowledged: { at: number; count: number }[] = [];
  /** Sends Kafka refused after its own retries, with the last reason. */
  refused = 0;
  lastRefusal: string | undefined;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private sent = 0;

  private constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    readonly devices: Device[],
    private readonly perSecond: number,
    private readonly sign: FleetSigner,
  ) {}

  static async start(o: { kafka: Kafka; topic: string; owner: pg.Pool; run: string; devices: number; perSecond: number; sign: FleetSigner }): Promise<ReadingsLoad> {
    const devices = await registerFleet(o.owner, o.run, o.devices);
    const load = new ReadingsLoad(o.kafka, o.topic, devices, o.perSecond, o.sign);
    await load.begin();
    return load;
  }

  private async begin() {
    const producer = durableProducer(this.kafka);
    await producer.connect();
    this.running = true;
    const startedAt = performance.now();
    this.loop = (async () => {
      while (this.running) {
        const due = Math.floor(((performance.now() - startedAt) / 1000) * this.perSecond) - this.sent;
        if (due <= 0) {
          await sleep(20);
          continue;
        }
        const count = Math.min(due, PER_REQUEST);
        const at = Date.now();
        const messages = Array.from({ length: count }, (_, i) => fleetMessage(this.devices[(this.sent + i) % this.devices.length]!, at, this.sign));
        this.sent += count;
        try {
          await producer.send({ topic: this.topic, messages, acks: ACKS_ALL });
          this.acknowledged.push({ at, count });
        } catch (err) {
          this.refused += count;
          this.lastRefusal = err instanceof Error ? err.message : String(err);
        }
      }
      await producer.disconnect();
    })();
  }

  get total(): number {
    return this.acknowledged.reduce((n, a) => n + a.count, 0);
  }

  async stop(owner: pg.Pool): Promise<void> {
    this.running = false;
    await this.loop;
    await retireFleet(owner, this.devices);
  }
}
