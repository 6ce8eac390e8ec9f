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
 * The eventIds among `readings` already stored with another event time, asked of reading_event_ids
 * (src/db/schema/telemetry.ts): one probe of its key per reading, where sensor_readings, whose key
 * (event_time, event_id) is unique only within a month's partition, would be asked in every month.
 */
export async function storedWithOtherTimes(client: pg.PoolClient, readings: SensorReading[]): Promise<Set<string>> {
  if (readings.length === 0) return new Set();
  const { rows } = await client.query<[string]>({
    name: 'ingest-reused-event-ids',
    text: `select distinct i.event_id from unnest($1::uuid[], $2::timestamptz[]) as u(event_id, event_time)
     join reading_event_ids i on i.event_id = u.event_id and i.event_time <> u.event_time`,
    values: [plainArray(readings.map((r) => r.eventId.toLowerCase())), plainArray(readings.map((r) => r.eventTime))],
    rowMode: 'array',
  });
  return new Set(rows.map((r) => r[0]));
}

/**
 * One statement for the chunk, its columns as array literals (src/db/pg-array.ts): the eventIds
 * into reading_event_ids, then the readings whose eventId that took. A reading already stored
 * (same eventId and eventTime: a re-sent or replayed message) is skipped there; one sent twice
 * within the chunk, by sensor_readings' key. Only the rows returned are new, and only those reach
 * the engine. The ids' key also settles a race the lookup before it cannot see: two partitions'
 * chunks storing one eventId with two times at once. The second waits for the first to commit,
 * then stores nothing (counted a duplicate, not dead-lettered): never two readings under one id.
 */
export async function insertReadings(client: pg.PoolClient, rows: ReadingRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const plain = (pick: (r: ReadingRow) => string | number | null) => plainArray(rows.map(pick));
  const text = (pick: (r: ReadingRow) => string | null) => textArray(rows.map(pick));
  const { rows: inserted } = await client.query<[string]>({
    name: 'ingest-insert-readings',
    text: `with ids as (
       insert into reading_event_ids (event_id, event_time) select * from unnest($1::uuid[], $2::timestamptz[])
       on conflict do nothing
       returning event_id
     )
     insert into sensor_readings (event_id, event_time, device_id, gateway_id, metric, value, text_value, unit, seq, binding_id)
     select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::int8[], $10::uuid[]) as r(event_id, event_time, device_id, gateway_id, metric, value, text_value, unit, seq, binding_id)
     where r.event_id in (select event_id from ids)
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
