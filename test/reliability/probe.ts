import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { Device } from '../../bench/ingest/fleet.js';
import { createApiClient } from '../../src/api/client/index.js';
import { ACKS_ALL, durableProducer, type DurableProducer } from '../../src/kafka-client.js';
import { sleep } from '../../src/stack/daemon.js';
import { fleetMessage, type FleetSigner } from './readings-load.js';

/** A round's limit: a reading waits behind whatever backlog the fault left, as any reading would. */
const ROUND_LIMIT_MS = 10_000;

/**
 * "Is V2V serving again?" as its users would find out: a canary reading published now is stored,
 * and a batch's status read through the balancer answers (API, Temporal, a worker's query). Every
 * canary Kafka acknowledged is owed a row too, like any reading.
 */
export class RecoveryProbe {
  readonly canaries: { id: string; at: number }[] = [];
  private producer: DurableProducer | undefined;
  /** Why the last round failed, for the error when none passes. */
  private lastFailure = 'no round ran';

  constructor(
    private readonly o: { kafka: Kafka; topic: string; device: Device; db: pg.Pool; apiUrl: string; token: string; batchToRead: () => string | undefined; sign: FleetSigner },
  ) {}

  /** One round; true when both halves answered within the round's limit. */
  async round(): Promise<boolean> {
    const deadline = Date.now() + ROUND_LIMIT_MS;
    if (!(await this.readingStored(deadline))) return this.failed('the canary reading was not stored in time');
    const status = await this.statusAnswers(deadline);
    return status === 'ok' || this.failed(`the status read answered ${status}`);
  }

  /** Rounds until one that started after `since` passes; the milliseconds from `since` to its end. */
  async recoveredAfter(since: number, giveUpMs = 300_000): Promise<number> {
    while (Date.now() - since < giveUpMs) {
      if (await this.round().catch((err: unknown) => this.failed(err instanceof Error ? err.message : String(err)))) return Date.now() - since;
      await sleep(250);
    }
    throw new Error(`V2V did not serve again within ${giveUpMs / 1000} s: ${this.lastFailure}`);
  }

  private failed(why: string): false {
    this.lastFailure = why;
    return false;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }

  private async readingStored(deadline: number): Promise<boolean> {
    this.producer ??= durableProducer(this.o.kafka);
    await this.producer.connect();
    const id = randomUUID();
    const at = Date.now();
    const sent = await Promise.race([
      this.producer.send({ topic: this.o.topic, acks: ACKS_ALL, messages: [fleetMessage(this.o.device, at, this.o.sign, id)] }).then(() => {
        this.canaries.push({ id, at });
        return true;
      }, () => false),
      sleep(Math.max(deadline - Date.now(), 0)).then(() => false),
    ]);
    // A send still pending past the round goes on in the background: if Kafka acknowledges it, it is owed.
    if (!sent) return false;
    while (Date.now() < deadline) {
      const { rowCount } = await this.o.db.query('select 1 from sensor_readings where event_time = $1 and event_id = $2', [new Date(at), id]);
      if (rowCount) return true;
      await sleep(100);
    }
    return false;
  }

  private async statusAnswers(deadline: number): Promise<'ok' | number> {
    const batchId = this.o.batchToRead();
    const api = createApiClient({ baseUrl: this.o.apiUrl, token: this.o.token });
    const signal = AbortSignal.timeout(Math.max(deadline - Date.now(), 1));
    const answer = batchId
      ? await api.GET('/v1/batches/{id}', { params: { path: { id: batchId } }, signal })
      : await api.GET('/v1/batches', { signal });
    return answer.response.ok ? 'ok' : answer.response.status;
  }
}
