import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { equipment, equipmentDailyTelemetry } from '../../db/schema/index.js';
import { DAY_MS } from '../../domain/durations.js';
import { equipmentRules } from '../../domain/excursions/equipment-rules.js';
import type { DailyTelemetrySummary } from '../../domain/equipment.js';
import { isoDay } from './unit-history.js';

type Unit = Pick<typeof equipment.$inferSelect, 'id' | 'kind' | 'profile'>;

/**
 * A real unit's daily summaries over the days [fromDay, toDay), made from its sensor_readings with
 * the twin's definition (DailyTelemetrySummary): per UTC day and metric the count, mean, min, max
 * and population standard deviation of the values, and the minutes outside the unit's limits (its
 * kind's rules with its profile's overrides). A reading out of range counts until the next reading
 * of its metric, at most the unit's gap time: silence is not out of range. A spell across midnight
 * counts on the day it began.
 */
export async function summariesFromReadings(db: Database, unit: Unit, fromDay: number, toDay: number): Promise<DailyTelemetrySummary[]> {
  const rows = await windowSummariesFromReadings(db, unit, fromDay, toDay, DAY_MS);
  return rows.map(({ index, ...s }) => ({ ...s, day: isoDay(index) }));
}

/**
 * The same summaries in windows of `dayMs` (a day of a compressed clock) over the windows
 * [fromIndex, toIndex), each numbered from the epoch (floor(event time / dayMs)): with DAY_MS, the UTC days.
 */
export async function windowSummariesFromReadings(
  db: Database, unit: Unit, fromIndex: number, toIndex: number, dayMs: number,
): Promise<(Omit<DailyTelemetrySummary, 'day'> & { index: number })[]> {
  const rules = equipmentRules(unit.kind, unit.profile);
  // The first row only types the columns; a kind without limits still gets its summaries.
  const limits = sql.join(
    [sql`(''::text, null::float8, null::float8)`, ...rules.rules.map((r) => sql`(${r.metric}::text, ${r.min ?? null}::float8, ${r.max ?? null}::float8)`)],
    sql`, `,
  );
  const result = await db.execute<{ metric: string; idx: string; n: number; mean: number; min: number; max: number; stddev: number; minutes_out: number }>(sql`
    with limits(metric, lo, hi) as (values ${limits}),
    readings as (
      select r.metric, r.event_time, r.value,
             lead(r.event_time) over (partition by r.metric order by r.event_time) as next_time
        from sensor_readings r
        join device_bindings b on b.id = r.binding_id
       where b.equipment_id = ${unit.id} and r.value is not null
         and r.event_time >= ${new Date(fromIndex * dayMs).toISOString()} and r.event_time < ${new Date(toIndex * dayMs).toISOString()}
    )
    select x.metric, floor(extract(epoch from x.event_time) * 1000 / ${dayMs}::float8)::bigint as idx, count(*)::int as n,
           avg(x.value)::float8 as mean, min(x.value)::float8 as min, max(x.value)::float8 as max,
           coalesce(stddev_pop(x.value), 0)::float8 as stddev,
           (coalesce(sum(case when x.value < l.lo or x.value > l.hi
                              then least(extract(epoch from coalesce(x.next_time, x.event_time) - x.event_time), ${rules.gapAfterMs / 1000}) end), 0) / 60)::float8 as minutes_out
      from readings x left join limits l on l.metric = x.metric
     group by 1, 2
     order by 2, 1`);
  // A window stands for a day: its minutes out of range count as the share of a day they are, the
  // figure a model trained on real days reads (a second out of a 4 s window is six hours of a day).
  const dayMinutesPerMinute = DAY_MS / dayMs;
  return result.rows.map((r) => ({ equipmentId: unit.id, index: Number(r.idx), metric: r.metric, n: r.n, mean: r.mean, min: r.min, max: r.max, stddev: r.stddev, minutesOutOfRange: r.minutes_out * dayMinutesPerMinute }));
}

/**
 * Fills the days in [fromDay, toDay) for which a real unit has no stored summary, from its readings,
 * and stores them (so training on real units reads the same figures the worker served from). Only
 * whole days should be asked for: a summary once stored is not rewritten. Returns the new ones.
 */
export async function fillMissingSummaries(db: Database, unit: Unit, stored: readonly DailyTelemetrySummary[], fromDay: number, toDay: number): Promise<DailyTelemetrySummary[]> {
  const have = new Set(stored.filter((t) => t.equipmentId === unit.id).map((t) => t.day));
  const missing = new Set<string>();
  for (let d = fromDay; d < toDay; d++) if (!have.has(isoDay(d))) missing.add(isoDay(d));
  if (missing.size === 0) return [];
  const made = (await summariesFromReadings(db, unit, fromDay, toDay)).filter((s) => missing.has(s.day));
  if (made.length > 0) await db.insert(equipmentDailyTelemetry).values(made).onConflictDoNothing();
  return made;
}
