import type { IHeaders } from 'kafkajs';
import type pg from 'pg';
import type { PgRow } from '../db/pg-row.js';
import type { consumerOffsets, sensorReadings } from '../db/schema/index.js';
import { inTransaction } from '../db/transaction.js';
import type { EngineReading } from '../domain/excursions/types.js';
import { bindingAt, loadRegistrations, type DeviceRegistration } from './bindings.js';
import type { DeadLetterReason, SensorReading } from './contract.js';
import { decodeMessage, type DecodeLimits } from './decode.js';
import { evaluateBindings, type BindingWork } from './engine-store.js';
import type { GatewayVerifier } from './gateway-signature.js';

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
  return inTransaction(deps.pool, async (client): Promise<ChunkOutcome> => {
    const stored = await lockOffset(client, deps.groupId, topic, partition);
    // Nothing written yet, so committing this transaction changes nothing.
    if (stored !== undefined && BigInt(messages[0]!.offset) > stored) return { kind: 'seek', offset: stored.toString() };
    const fresh = stored === undefined ? messages : messages.filter((m) => BigInt(m.offset) >= stored);
    const outcome = await applyMessages(client, deps, fresh, topic, partition);
    const nextOffset = (BigInt(messages.at(-1)!.offset) + 1n).toString();
    if (fresh.length > 0) {
      await client.query(
        `insert into consumer_offsets (group_id, topic, partition, next_offset, updated_at) values ($1, $2, $3, $4, now())
         on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()`,
        [deps.groupId, topic, partition, nextOffset],
      );
    }
    return { kind: 'applied', nextOffset, replayed: messages.length - fresh.length, ...outcome };
  });
}

async function lockOffset(client: pg.PoolClient, groupId: string, topic: string, partition: number): Promise<bigint | undefined> {
  const { rows } = await client.query<Pick<PgRow<typeof consumerOffsets>, 'next_offset'>>(
    'select next_offset from consumer_offsets where group_id = $1 and topic = $2 and partition = $3 for update',
    [groupId, topic, partition],
  );
  return rows[0] === undefined ? undefined : BigInt(rows[0].next_offset);
}

async function applyMessages(client: pg.PoolClient, deps: ChunkDeps, messages: RawMessage[], topic: string, partition: number) {
  const deadLetters: DeadLetter[] = [];
  const accepted: { message: RawMessage; readings: SensorReading[] }[] = [];
  const limits = { ...deps.limits, now: Date.now() };
  for (const message of messages) {
    const decoded = decodeMessage(message.value, message.key, limits);
    if (decoded.ok) accepted.push({ message, readings: decoded.readings });
    else deadLetters.push({ message, reason: decoded.reason, detail: decoded.detail });
  }

  const devices = await loadRegistrations(client, [...new Set(accepted.map((a) => a.readings[0]!.deviceId))], deps.timeScale);
  // The months' partitions first: their DDL runs on another connection and waits for any lock this
  // transaction holds on sensor_readings, so nothing here may read the table before it.
  await deps.ensurePartitions([...new Set(accepted.flatMap((a) => a.readings.map((r) => r.eventTime.slice(0, 7))))]);
  const clashes = await storedWithOtherTimes(client, accepted.flatMap((a) => a.readings));
  // eventId → event time (ms) of the readings this chunk stores, so a later message of the chunk cannot reuse one either.
  const taken = new Map<string, number>();
  const rows: ReadingRow[] = [];
  for (const { message, readings } of accepted) {
    const device = devices.get(readings[0]!.deviceId);
    const refused = refusal(deps, message, readings, device, (r) => {
      const id = r.eventId.toLowerCase();
      return clashes.has(id) || (taken.has(id) && taken.get(id) !== Date.parse(r.eventTime));
    });
    if (refused) {
      deadLetters.push({ message, ...refused });
      continue;
    }
    for (const reading of readings) {
      taken.set(reading.eventId.toLowerCase(), Date.parse(reading.eventTime));
      rows.push(toRow(reading, bindingAt(device!, Date.parse(reading.eventTime))?.id ?? null));
    }
  }

  const inserted = await insertReadings(client, rows);
  const stored = inserted.size;
  const work = new Map<string, BindingWork>();
  for (const row of rows) {
    // delete, not has: a reading sent twice within the chunk reaches the engine once.
    if (!inserted.delete(row.eventId) || row.bindingId === null || row.value === null) continue;
    const binding = devices.get(row.deviceId)!.bindings.find((b) => b.id === row.bindingId)!;
    if (binding.rules === null) continue;
    const entry = work.get(binding.id) ?? { deviceId: row.deviceId, binding: { ...binding, rules: binding.rules }, readings: [] };
    entry.readings.push({ metric: row.metric as EngineReading['metric'], value: row.value, eventTime: Date.parse(row.eventTime) });
    work.set(binding.id, entry);
  }
  const { changes, tooLate } = await evaluateBindings(client, [...work.values()], deps.timeScale);

  if (deadLetters.length > 0) await deps.sendDeadLetters(topic, partition, deadLetters);
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
  isReused: (r: SensorReading) => boolean,
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

/** A reading as inserted; its event time stays the gateway's text, which names its month's partition. */
type ReadingRow = Omit<typeof sensorReadings.$inferSelect, 'eventTime' | 'ingestedAt'> & { eventTime: string };

/** Booleans are stored as 0/1 (the engine can put limits on them); a location is kept as JSON text. */
function toRow(r: SensorReading, bindingId: string | null): ReadingRow {
  const common = { eventId: r.eventId.toLowerCase(), eventTime: r.eventTime, deviceId: r.deviceId, gatewayId: r.gatewayId, metric: r.metric, unit: r.unit, seq: r.seq ?? null, bindingId };
  if (r.metric === 'location') return { ...common, value: null, text: JSON.stringify(r.value) };
  if (r.metric === 'lid_open') return { ...common, value: r.value ? 1 : 0, text: null };
  return { ...common, value: r.value, text: null };
}

/**
 * The eventIds among `readings` already stored with another event time. The primary key is
 * (event_id, event_time), as the table is partitioned by time, so it alone would store such a
 * reading a second time. Two partitions reusing one eventId in the same instant can still both pass:
 * a gateway's ids are its own device's, and one device stays in one partition.
 */
async function storedWithOtherTimes(client: pg.PoolClient, readings: SensorReading[]): Promise<Set<string>> {
  if (readings.length === 0) return new Set();
  const { rows } = await client.query<{ event_id: string }>(
    `select distinct s.event_id from unnest($1::uuid[], $2::timestamptz[]) as u(event_id, event_time)
     join sensor_readings s on s.event_id = u.event_id and s.event_time <> u.event_time`,
    [readings.map((r) => r.eventId.toLowerCase()), readings.map((r) => r.eventTime)],
  );
  return new Set(rows.map((r) => r.event_id));
}

/**
 * One multi-row insert for the chunk. A reading already stored (same eventId and eventTime: a
 * re-sent or replayed message) is skipped by the primary key; only the rows returned are new, and
 * only those reach the engine.
 */
async function insertReadings(client: pg.PoolClient, rows: ReadingRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const column = <K extends keyof ReadingRow>(k: K) => rows.map((r) => r[k]);
  const { rows: inserted } = await client.query<Pick<PgRow<typeof sensorReadings>, 'event_id'>>(
    `insert into sensor_readings (event_id, event_time, device_id, gateway_id, metric, value, text_value, unit, seq, binding_id)
     select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::int8[], $10::uuid[])
     on conflict do nothing
     returning event_id`,
    [column('eventId'), column('eventTime'), column('deviceId'), column('gatewayId'), column('metric'), column('value'), column('text'), column('unit'), column('seq'), column('bindingId')],
  );
  return new Set(inserted.map((r) => r.event_id));
}
