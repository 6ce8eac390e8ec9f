import { DAY_MS } from '../../domain/durations.js';
import type { DailyTelemetrySummary } from '../../domain/equipment.js';
import { EQUIPMENT_KIND_CODES, metricFeature, PER_METRIC_FEATURES, type MaintenanceFeatureRow, type Metric, type PerMetricFeature } from './feature-list.js';
import { meanCrossings, median, slope } from './series-statistics.js';
import type { UnitHistory } from './unit-history.js';

/**
 * One unit's features as of the end of `day` (epoch day), from what was known by then: that day's
 * and earlier telemetry, maintenance and runs. The training rows and the worker's prediction both
 * call this, so a feature cannot mean one thing in training and another in serving. On a compressed
 * clock a day lasts `dayMs` (days are counted from the epoch in that length, and ages in them).
 */
export function unitDayFeatures(history: UnitHistory, day: number, dayMs = DAY_MS): MaintenanceFeatureRow {
  const asOf = (day + 1) * dayMs;
  const { unit } = history;
  const lastMaintenance = history.maintenance.filter((m) => m.kind !== 'failure' && m.at < asOf).at(-1)?.at;
  const row: MaintenanceFeatureRow = {
    kind: EQUIPMENT_KIND_CODES[unit.kind],
    age_days: (asOf - Date.parse(unit.installedAt)) / dayMs,
    failures_so_far: history.maintenance.filter((m) => m.kind === 'failure' && m.at < asOf).length,
    runs_since_maintenance: history.runs.filter((at) => at < asOf && (lastMaintenance === undefined || at >= lastMaintenance)).length,
  };
  if (lastMaintenance !== undefined) row.days_since_maintenance = (asOf - lastMaintenance) / dayMs;

  const window = lastDays(history, day, 30);
  let oor1 = 0;
  let oor7 = 0;
  let maxRatio: number | undefined;
  for (const [metric, series] of window) {
    const f = metricFeatures(series, day);
    for (const name of PER_METRIC_FEATURES) {
      const value = f[name];
      if (value !== undefined) row[metricFeature(metric, name)] = value;
    }
    oor1 += f.out_of_range_minutes_1d ?? 0;
    oor7 += f.out_of_range_minutes_7d;
    if (f.stddev_ratio_30d !== undefined) maxRatio = Math.max(maxRatio ?? -Infinity, f.stddev_ratio_30d);
  }
  if (window.size > 0) {
    row.out_of_range_minutes_1d = oor1;
    row.out_of_range_minutes_7d = oor7;
  }
  if (maxRatio !== undefined) row.max_stddev_ratio_30d = maxRatio;
  return row;
}

type DaySummary = { day: number; s: DailyTelemetrySummary };

/** Each metric's summaries over the `days` days ending with `day`, oldest first. */
function lastDays(history: UnitHistory, day: number, days: number): Map<Metric, DaySummary[]> {
  const byMetric = new Map<Metric, DaySummary[]>();
  for (let d = day - days + 1; d <= day; d++) {
    for (const [metric, s] of history.telemetry.get(d) ?? []) {
      const key = metric as Metric;
      if (!byMetric.has(key)) byMetric.set(key, []);
      byMetric.get(key)!.push({ day: d, s });
    }
  }
  return byMetric;
}

function metricFeatures(series: DaySummary[], day: number) {
  const last7 = series.filter((p) => p.day > day - 7);
  const today = series.at(-1)?.day === day ? series.at(-1)!.s : undefined;
  const before = series.filter((p) => p.day < day).map((p) => p.s.stddev);
  const baseline = before.length >= 3 ? median(before) : undefined;
  return {
    drift_7d: slope(last7.map((p) => [p.day, p.s.mean])),
    drift_30d: slope(series.map((p) => [p.day, p.s.mean])),
    stddev: today?.stddev,
    stddev_trend_7d: slope(last7.map((p) => [p.day, p.s.stddev])),
    // A unit whose healthy noise is zero has no ratio: any noise at all would be infinitely many times it.
    stddev_ratio_30d: today && baseline ? today.stddev / baseline : undefined,
    mean_crossings_30d: meanCrossings(series.map((p) => p.s.mean)),
    range_1d: today && today.max - today.min,
    out_of_range_minutes_1d: today?.minutesOutOfRange,
    out_of_range_minutes_7d: last7.reduce((m, p) => m + p.s.minutesOutOfRange, 0),
    excursion_days_7d: last7.filter((p) => p.s.minutesOutOfRange > 0).length,
    excursion_days_30d: series.filter((p) => p.s.minutesOutOfRange > 0).length,
  } satisfies Record<PerMetricFeature, number | undefined>;
}
