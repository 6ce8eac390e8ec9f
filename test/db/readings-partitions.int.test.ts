import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { applyChunk, type DeadLetter } from '../../src/ingest/apply-chunk.js';
import { maintainPartitions, monthlyPartitions } from '../../src/ingest/partitions.js';
import { stackConfig, unique } from '../setup/services.js';

const url = stackConfig().DATABASE_URL!;
// The processes' role maintains the partitions; only the owner may drop the detached table afterwards.
const { pool } = createDatabase(url, { max: 2 });
const owner = createDatabase(stackConfig().DATABASE_OWNER_URL ?? url, { max: 1 });

/**
 * This file's calendar is 2001. Any ingest process that ran on this database since has detached
 * its partitions by its own retention rule (they stay as tables under their names, and a name taken
 * keeps the month from getting a partition again), so each run starts and ends without any.
 */
async function forget2001() {
  const { rows } = await owner.pool.query<{ name: string }>(`select relname as name from pg_class where relkind in ('r', 'p') and relname ~ '^sensor_readings_2001_\\d{2}$'`);
  for (const { name } of rows) await owner.pool.query(`drop table ${name}`);
  await owner.pool.query(`delete from sensor_readings where event_time >= '2001-01-01' and event_time < '2002-01-01'`);
  await owner.pool.query(`delete from reading_event_ids where event_time >= '2001-01-01' and event_time < '2002-01-01'`);
}

beforeAll(async () => {
  await migrateDatabase(stackConfig().DATABASE_OWNER_URL ?? url);
  await forget2001();
});
afterAll(async () => {
  await forget2001();
  await pool.end();
  await owner.pool.end();
});

const partitionsOf = async (names: string[]) => {
  const { rows } = await pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'sensor_readings'::regclass and c.relname = any($1::text[])`,
    [names],
  );
  return rows.map((r) => r.name).sort();
};

/** A reading as ingest stores it: in sensor_readings, and its eventId in reading_event_ids. */
async function insertReading(eventTime: string) {
  const eventId = randomUUID();
  await pool.query('insert into reading_event_ids (event_id, event_time) values ($1, $2)', [eventId, eventTime]);
  await pool.query(
    `insert into sensor_readings (event_id, event_time, device_id, gateway_id, metric, value, unit) values ($1, $2, 'retention-probe', 'retention-gw', 'temperature_c', 4, 'Cel')`,
    [eventId, eventTime],
  );
  return eventId;
}

// On a calendar of its own (2001), so the rule touches no partition another test uses.
describe('readings partitions', () => {
  it('makes the coming months ahead and detaches those past retention, leaving the kept months readable', async () => {
    for (const month of ['2001-01-01', '2001-04-01']) await pool.query('select v2v_ensure_readings_partition($1::date)', [month]);
    const old = await insertReading('2001-01-20T10:00:00Z');
    const kept = await insertReading('2001-04-20T10:00:00Z');

    // Today 15 June 2001, two months ahead, three months kept: June to August made, January detached.
    const done = await maintainPartitions(pool, { monthsAhead: 2, retentionMonths: 3 }, '2001-06-15');
    expect(done.every((d) => d.action === 'created' || d.action === 'detached')).toBe(true);
    expect(done).toContainEqual({ action: 'detached', partition: 'sensor_readings_2001_01' });
    expect(done.map((d) => d.partition)).not.toContain('sensor_readings_2001_04');
    expect(await partitionsOf(['sensor_readings_2001_01', 'sensor_readings_2001_04', 'sensor_readings_2001_06', 'sensor_readings_2001_07', 'sensor_readings_2001_08'])).toEqual([
      'sensor_readings_2001_04',
      'sensor_readings_2001_06',
      'sensor_readings_2001_07',
      'sensor_readings_2001_08',
    ]);

    // Kept months read as before; the detached month is out of sensor_readings but not lost.
    const inRange = await pool.query(`select event_id from sensor_readings where event_time >= '2001-04-01' and event_time < '2001-05-01' and device_id = 'retention-probe'`);
    expect(inRange.rows.map((r) => r.event_id)).toContain(kept);
    const gone = await pool.query('select 1 from sensor_readings where event_id = $1', [old]);
    expect(gone.rowCount).toBe(0);
    const archived = await owner.pool.query('select 1 from sensor_readings_2001_01 where event_id = $1', [old]);
    expect(archived.rowCount).toBe(1);
    // Its eventIds left with it; the kept month's stay.
    const ids = await pool.query<{ event_id: string }>('select event_id from reading_event_ids where event_id = any($1::uuid[])', [[old, kept]]);
    expect(ids.rows.map((r) => r.event_id)).toEqual([kept]);

    // Run again: nothing left to do for that day.
    expect(await maintainPartitions(pool, { monthsAhead: 2, retentionMonths: 3 }, '2001-06-15')).toEqual([]);
  });

  it('keeps every partition when retention is 0', async () => {
    const done = await maintainPartitions(pool, { monthsAhead: 0, retentionMonths: 0 }, '2001-06-15');
    expect(done.filter((d) => d.action === 'detached')).toEqual([]);
  });

  // The chunk's own months are made on another connection (src/ingest/partitions.ts); read
  // sensor_readings first, and that DDL waits for the chunk's lock while the chunk waits for it.
  it("applies a chunk of a month that has no partition yet, and stores it in that month's new partition", async () => {
    const gatewayId = unique('gw');
    const deviceId = unique('probe');
    const siteId = unique('site');
    await pool.query(`insert into sites (id, kind, name) values ($1, 'manufacturing_facility', 'Partition test facility')`, [siteId]);
    await pool.query('insert into gateways (id, name, site_id) values ($1, $1, $2)', [gatewayId, siteId]);
    await pool.query(`insert into devices (id, gateway_id, kind) values ($1, $2, 'freezer_probe')`, [deviceId, gatewayId]);
    const eventId = randomUUID();
    const reading = { eventId, gatewayId, deviceId, metric: 'temperature_c', value: -80.5, unit: 'Cel', eventTime: '2001-09-10T08:00:00Z' };
    const letters: DeadLetter[] = [];
    const chunk = applyChunk(
      {
        pool,
        groupId: unique('it-partitions'),
        timeScale: 1,
        limits: { maxBytes: 262_144, maxFutureMs: 300_000 },
        sendDeadLetters: async (_topic, _partition, sent) => void letters.push(...sent),
        ensurePartitions: monthlyPartitions(pool, () => undefined),
      },
      unique('it.partitions'),
      0,
      [{ offset: '0', key: Buffer.from(deviceId), value: Buffer.from(JSON.stringify(reading)) }],
    );
    const hung = new Promise((_, reject) => setTimeout(() => reject(new Error('the chunk waited on its own partition DDL')), 20_000).unref());
    expect(await Promise.race([chunk, hung])).toMatchObject({ kind: 'applied', stored: 1 });
    expect(letters).toEqual([]);
    const { rows } = await pool.query<{ partition: string }>('select tableoid::regclass::text as partition from sensor_readings where event_id = $1', [eventId]);
    expect(rows).toEqual([{ partition: 'sensor_readings_2001_09' }]);
  });
});
