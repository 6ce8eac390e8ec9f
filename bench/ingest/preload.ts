import type pg from 'pg';
import { log } from '../workflows/log.js';

const DEVICES = 500;
const PER_STATEMENT = 1_000_000;
const SPREAD_DAYS = 60;

/**
 * Makes sure sensor_readings holds at least `wanted` readings before anything is measured, so the
 * benchmark writes into indexes of a database in use rather than into empty ones. Rows already
 * there count (a previous run's preload is kept), so only the difference is written: readings of
 * `bench-preload-…` devices, spread evenly over the 60 days before yesterday in their months'
 * partitions, generated inside PostgreSQL (generate_series), a million per statement.
 */
export async function preloadReadings(pool: pg.Pool, wanted: number): Promise<{ before: number; added: number; seconds: number }> {
  const { rows } = await pool.query<{ n: string }>('select count(*) as n from sensor_readings');
  const before = Number(rows[0]!.n);
  const missing = wanted - before;
  if (missing <= 0) {
    log(`preload: sensor_readings already holds ${before} readings`);
    return { before, added: 0, seconds: 0 };
  }
  const started = performance.now();
  const endMs = Date.now() - 86_400_000;
  const startMs = endMs - SPREAD_DAYS * 86_400_000;
  const stepMs = (endMs - startMs) / missing;
  for (let day = new Date(startMs); day.getTime() <= endMs; day = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1))) {
    await pool.query('select v2v_ensure_readings_partition($1::date)', [day.toISOString().slice(0, 10)]);
  }
  log(`preload: ${before} readings there, adding ${missing}`);
  for (let from = 0; from < missing; from += PER_STATEMENT) {
    const to = Math.min(from + PER_STATEMENT, missing);
    await pool.query(
      `insert into sensor_readings (event_id, event_time, device_id, gateway_id, metric, value, unit, seq)
       select gen_random_uuid(), to_timestamp(($1::float8 + g * $2::float8) / 1000), 'bench-preload-dev-' || (g % $5), 'bench-preload-gw',
              'temperature_c', -170 + (g % 7) * 0.3, 'Cel', g / $5
         from generate_series($3::bigint, $4::bigint - 1) g`,
      [startMs, stepMs, from, to, DEVICES],
    );
    log(`preload: ${to} of ${missing} written`);
  }
  await pool.query('analyze sensor_readings');
  return { before, added: missing, seconds: (performance.now() - started) / 1000 };
}
