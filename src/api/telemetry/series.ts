import type pg from 'pg';

/** A window of one target's readings: its bindings' devices and ids, and the time range. */
export interface ReadingWindow {
  bindingIds: string[];
  deviceIds: string[];
  from?: Date;
  to?: Date;
}

interface Bounds {
  from: Date;
  to: Date;
}

/** The first and last reading in the window (the window itself when both ends are given). */
export async function readingBounds(pool: pg.Pool, w: ReadingWindow): Promise<Bounds | null> {
  if (w.from && w.to) return { from: w.from, to: w.to };
  const { rows } = await pool.query<{ first: Date | null; last: Date | null }>(
    `select min(event_time) as first, max(event_time) as last from sensor_readings
      where device_id = any($1::text[]) and binding_id = any($2::uuid[])
        and ($3::timestamptz is null or event_time >= $3) and ($4::timestamptz is null or event_time <= $4)`,
    [w.deviceIds, w.bindingIds, w.from ?? null, w.to ?? null],
  );
  const row = rows[0];
  if (!row?.first || !row.last) return null;
  return { from: w.from ?? row.first, to: w.to ?? row.last };
}

/**
 * Bucket width so that the window splits into fewer than `maxPoints` buckets: the last reading's
 * bucket index, span / width, stays below maxPoints.
 */
export const bucketWidthMs = ({ from, to }: Bounds, maxPoints: number) => Math.floor((to.getTime() - from.getTime()) / maxPoints) + 1;

export interface BucketRow {
  metric: string;
  unit: string;
  t: Date;
  min: number;
  max: number;
  avg: number;
  n: number;
}

/** Per metric and bucket: min, max and average, computed in PostgreSQL (date_bin) so only buckets travel. */
export async function bucketedReadings(pool: pg.Pool, w: ReadingWindow, bounds: Bounds, widthMs: number): Promise<BucketRow[]> {
  const { rows } = await pool.query<BucketRow & { n: string }>(
    `select metric, min(unit) as unit, date_bin(make_interval(secs => $5::double precision / 1000), event_time, $3::timestamptz) as t,
            min(value) as min, max(value) as max, avg(value) as avg, count(*) as n
       from sensor_readings
      where device_id = any($1::text[]) and binding_id = any($2::uuid[]) and event_time >= $3 and event_time <= $4 and value is not null
      group by metric, t order by metric, t`,
    [w.deviceIds, w.bindingIds, bounds.from, bounds.to, widthMs],
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** Silences longer than `gapAfterMs` between consecutive readings of one device (any metric). */
export async function readingGaps(pool: pg.Pool, w: ReadingWindow, bounds: Bounds, gapAfterMs: number) {
  const { rows } = await pool.query<{ device_id: string; from: Date; to: Date }>(
    `select device_id, previous as from, event_time as to from (
       select device_id, event_time, lag(event_time) over (partition by device_id order by event_time) as previous
         from sensor_readings
        where device_id = any($1::text[]) and binding_id = any($2::uuid[]) and event_time >= $3 and event_time <= $4) r
      where event_time - previous > make_interval(secs => $5::double precision / 1000)
      order by previous`,
    [w.deviceIds, w.bindingIds, bounds.from, bounds.to, gapAfterMs],
  );
  return rows.map((r) => ({ deviceId: r.device_id, from: r.from.toISOString(), to: r.to.toISOString(), durationMs: r.to.getTime() - r.from.getTime() }));
}
