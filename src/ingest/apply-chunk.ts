import type { IHeaders } from 'kafkajs';
import type pg from 'pg';
import type { PgRow } from '../db/pg-row.js';
import type { consumerOffsets } from '../db/schema/index.js';
import { inTransaction } from '../db/transaction.js';
import type { EngineReading } from '../domain/excursions/types.js';
import { bindingAt, loadRegistrations, type DeviceRegistration } from './bindings.js';
import { stageClock, type ChunkStage, type StageMs } from './chunk-stages.js';
import type { DeadLetterReason, SensorReading } from './contract.js';
import { decodeMessage, type DecodeLimits } from './decode.js';
import { evaluateBindings, type BindingWork } from './engine-store.js';
import type { GatewayVerifier } from './gateway-signature.js';
import { insertReadings, storedWithOtherTimes, toRow, type ReadingRow } from './stored-readings.js';

export interface RawMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface DeadLetter {
  message: RawMessage;
  reason: DeadLetterReason;
  detail: string;
}

export interface ChunkDeps {
  pool: pg.Pool;
  groupId: string;
  timeScale: number;
  limits: Omit<DecodeLimits, 'now'>;
  /** Must not return before the broker has the dead letters: they are sent before the offsets commit. */
  sendDeadLetters(topic: string, partition: number, letters: DeadLetter[]): Promise<void>;
  /** Creates the monthly readings partitions for these months (`YYYY-MM`) if it can. */
  ensurePartitions(months: string[]): Promise<void>;
  /** Checks that the device's registered gateway signed the message; absent, the gatewayId the message declares is taken as said. */
  verifyGateway?: GatewayVerifier;
}

export type ChunkOutcome =
  | {
      kind: 'applied';
      /** The offset to resume from: one past the chunk's last message. */
      nextOffset: string;
      /** Messages below the stored offset, already applied by an earlier run. */
      replayed: number;
      stored: number;
      duplicates: number;
      deadLetters: DeadLetter[];
      changes: number;
      tooLate: number;
      stageMs: StageMs;
    }
  /** Kafka handed us messages beyond what PostgreSQL has applied: go back and fetch from here. */
  | { kind: 'seek'; offset: string };

/**
 * One chunk of one partition, in one PostgreSQL transaction: the readings, the engine's state, its
 * excursions and signals, and the partition's next offset commit together or not at all. The stored
 * offset, locked for the duration, is the truth: messages below it were applied before (a replay,
 * a rebalance, a zombie consumer) and are skipped, so each message takes effect exactly once.
 */
export async function applyChunk(deps: ChunkDeps, topic: string, partition: number, messages: RawMessage[]): Promise<ChunkOutcome> {
  const clock = stageClock();
  const outcome = await inTransaction(deps.pool, async (client): Promise<ChunkOutcome> => {
    const stored = await lockOffset(client, deps.groupId, topic, partition);
    clock.lap('begin');
    // Nothing written yet, so committing this transaction changes nothing.
    if (stored !== undefined && BigInt(messages[0]!.offset) > stored) return { kind: 'seek', offset: stored.toString() };
    const fresh = stored === undefined ? messages : messages.filter((m) => BigInt(m.offset) >= stored);
    const applied = await applyMessages(client, deps, fresh, topic, partition, clock.lap);
    const nextOffset = (BigInt(messages.at(-1)!.offset) + 1n).toString();
    if (fresh.length > 0) {
      await client.query({
        name: 'ingest-store-offset',
        text: `insert into consumer_offsets (group_id, topic, partition, next_offset, updated_at) values ($1, $2, $3, $4, now())
         on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()`,
        values: [deps.groupId, topic, partition, nextOffset],
      });
    }
    clock.lap('offsets');
    return { kind: 'applied', nextOffset, replayed: messages.length - fresh.length, ...applied, stageMs: clock.ms };
  });
  clock.lap('commit');
  return outcome;
}

async function lockOffset(client: pg.PoolClient, groupId: string, topic: string, partition: number): Promise<bigint | undefined> {
  // Named, like the chunk's other statements (src/ingest/stored-readings.ts).
  const { rows } = await client.query<Pick<PgRow<typeof consumerOffsets>, 'next_offset'>>({
    name: 'ingest-lock-offset',
    text: 'select next_offset from consumer_offsets where group_id = $1 and topic = $2 and partition = $3 for update',
    values: [groupId, topic, partition],
  });
  return rows[0] === undefined ? undefined : BigInt(rows[0].next_offset);
}

async function applyMessages(client: pg.PoolClient, deps: ChunkDeps, messages: RawMessage[], topic: string, partition: number, lap: (stage: ChunkStage) => void) {
  const deadLetters: DeadLetter[] = [];
  const accepted: { message: RawMessage; readings: SensorReading[]; eventMs: number[] }[] = [];
  const limits = { ...deps.limits, now: Date.now() };
  for (const message of messages) {
    const decoded = decodeMessage(message.value, message.key, limits);
    if (decoded.ok) accepted.push({ message, readings: decoded.readings, eventMs: decoded.eventMs });
    else deadLetters.push({ message, reason: decoded.reason, detail: decoded.detail });
  }
  lap('decode');

  const devices = await loadRegistrations(client, [...new Set(accepted.map((a) => a.readings[0]!.deviceId))], deps.timeScale);
  // The months' partitions first: their DDL runs on another connection and waits for any lock this
  // transaction holds on sensor_readings, so nothing here may read the table before it.
  await deps.ensurePartitions([...new Set(accepted.flatMap((a) => a.readings.map((r) => r.eventTime.slice(0, 7))))]);
  lap('devices');
  const clashes = await storedWithOtherTimes(client, accepted.flatMap((a) => a.readings));
  // eventId → event time (ms) of the readings this chunk stores, so a later message of the chunk cannot reuse one either.
  const taken = new Map<string, number>();
  const rows: ReadingRow[] = [];
  for (const { message, readings, eventMs } of accepted) {
    const device = devices.get(readings[0]!.deviceId);
    const refused = refusal(deps, message, readings, device, (r, i) => {
      const id = r.eventId.toLowerCase();
      return clashes.has(id) || (taken.has(id) && taken.get(id) !== eventMs[i]);
    });
    if (refused) {
      deadLetters.push({ message, ...refused });
      continue;
    }
    for (let i = 0; i < readings.length; i++) {
      const reading = readings[i]!;
      taken.set(reading.eventId.toLowerCase(), eventMs[i]!);
      rows.push(toRow(reading, eventMs[i]!, bindingAt(device!, eventMs[i]!) ?? null));
    }
  }

  lap('reused');
  const inserted = await insertReadings(client, rows);
  lap('insert');
  const stored = inserted.size;
  const work = new Map<string, BindingWork>();
  for (const row of rows) {
    // delete, not has: a reading sent twice within the chunk reaches the engine once.
    const { binding } = row;
    if (!inserted.delete(row.eventId) || binding?.rules == null || row.value === null) continue;
    let entry = work.get(binding.id);
    if (entry === undefined) {
      entry = { deviceId: row.deviceId, binding: { ...binding, rules: binding.rules }, readings: [] };
      work.set(binding.id, entry);
    }
    entry.readings.push({ metric: row.metric as EngineReading['metric'], value: row.value, eventTime: row.eventMs });
  }
  const { changes, tooLate } = await evaluateBindings(client, [...work.values()], deps.timeScale);
  lap('engine');

  if (deadLetters.length > 0) await deps.sendDeadLetters(topic, partition, deadLetters);
  lap('dead_letters');
  return { stored, duplicates: rows.length - stored, deadLetters, changes, tooLate };
}

/**
 * Why a decoded message may not be stored, in the order the checks cost and matter: the device, the
 * gateway it declares, the signature of the gateway it is registered to, then its eventIds.
 */
function refusal(
  deps: ChunkDeps,
  message: RawMessage,
  readings: SensorReading[],
  device: DeviceRegistration | undefined,
  isReused: (r: SensorReading, i: number) => boolean,
): Omit<DeadLetter, 'message'> | undefined {
  const { deviceId, gatewayId } = readings[0]!;
  if (!device) return { reason: 'unknown_device', detail: `device ${deviceId} is not registered` };
  if (device.gatewayId !== gatewayId) {
    return { reason: 'unauthorised_gateway', detail: `device ${deviceId} is registered to gateway ${device.gatewayId}, not ${gatewayId}` };
  }
  // The key is the registered gateway's, never one the message names. Decoded, so the value is there.
  const unverified = deps.verifyGateway?.(device.gatewayId, message.value!, message.headers);
  if (unverified) return { reason: 'unverified_gateway', detail: `${unverified} (device ${deviceId})` };
  const reused = readings.find(isReused);
  if (reused) return { reason: 'reused_event_id', detail: `eventId ${reused.eventId} is already stored with another eventTime than ${reused.eventTime}` };
  return undefined;
}
