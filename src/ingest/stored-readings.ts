import type pg from 'pg';
import { plainArray, textArray } from '../db/pg-array.js';
import type { sensorReadings } from '../db/schema/index.js';
import type { Binding } from './bindings.js';
import type { SensorReading } from './contract.js';

/**
 * A chunk's statements on sensor_readings. They are named (prepared once per connection): a chunk
 * runs the same few statements, and planning them each time, over a month's partitions, cost
 * PostgreSQL more than running some of them.
 */

/**
 * A reading as inserted; its event time stays the gateway's text (it names the month's partition),
 * parsed once beside it, and its binding is the one in force at that time.
 */
export type ReadingRow = Omit<typeof sensorReadings.$inferSelect, 'eventTime' | 'ingestedAt' | 'bindingId'> & {
  eventTime: string;
  eventMs: number;
  binding: Binding | null;
};

/** Booleans are stored as 0/1 (the engine can put limits on them); a location is kept as JSON text. */
export function toRow(r: SensorReading, eventMs: number, binding: Binding | null): ReadingRow {
  const value = r.metric === 'location' ? null : r.metric === 'lid_open' ? (r.value ? 1 : 0) : r.value;
  const text = r.metric === 'location' ? JSON.stringify(r.value) : null;
  return { eventId: r.eventId.toLowerCase(), eventTime: r.eventTime, eventMs, deviceId: r.deviceId, gatewayId: r.gatewayId, metric: r.metric, value, text, unit: r.unit, seq: r.seq ?? null, binding };
}

/**
 * The eventIds among `readings` already stored with another event time. The primary key is
 * (event_id, event_time), as the table is partitioned by time, so it alone would store such a
 * reading a second time; with event_id first, each partition answers from its key's index. Two
 * partitions reusing one eventId in the same instant can still both pass: a gateway's ids are its
 * own device's, and one device stays in one partition.
 */
export async function storedWithOtherTimes(client: pg.PoolClient, readings: SensorReading[]): Promise<Set<string>> {
  if (readings.length === 0) return new Set();
  const { rows } = await client.query<[string]>({
    name: 'ingest-reused-event-ids',
    text: `select distinct s.event_id from unnest($1::uuid[], $2::timestamptz[]) as u(event_id, event_time)
     join sensor_readings s on s.event_id = u.event_id and s.event_time <> u.event_time`,
    values: [plainArray(readings.map((r) => r.eventId.toLowerCase())), plainArray(readings.map((r) => r.eventTime))],
    rowMode: 'array',
  });
  return new Set(rows.map((r) => r[0]));
}

/**
 * One multi-row insert for the chunk, its columns as array literals (src/db/pg-array.ts). A reading
 * already stored (same eventId and eventTime: a re-sent or replayed message) is skipped by the
 * primary key; only the rows returned are new, and only those reach the engine.
 */
export async function insertReadings(client: pg.PoolClient, rows: ReadingRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const plain = (pick: (r: ReadingRow) => string | number | null) => plainArray(rows.map(pick));
  const text = (pick: (r: ReadingRow) => string | null) => textArray(rows.map(pick));
  const { rows: inserted } = await client.query<[string]>({
    name: 'ingest-insert-readings',
    text: `insert into sensor_readings (event_id, event_time, device_id, gateway_id, metric, value, text_value, unit, seq, binding_id)
     select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::int8[], $10::uuid[])
     on conflict do nothing
     returning event_id`,
    values: [
      plain((r) => r.eventId),
      plain((r) => r.eventTime),
      text((r) => r.deviceId),
      text((r) => r.gatewayId),
      text((r) => r.metric),
      plain((r) => r.value),
      text((r) => r.text),
      text((r) => r.unit),
      plain((r) => r.seq),
      plain((r) => r.binding?.id ?? null),
    ],
    rowMode: 'array',
  });
  return new Set(inserted.map((r) => r[0]));
}
