import { describe, expect, it } from 'vitest';
import { unitDayFeatures } from '../../../src/forecast/maintenance/daily-features.js';
import { EQUIPMENT_KIND_CODES } from '../../../src/forecast/maintenance/feature-list.js';
import { epochDay, unitHistories } from '../../../src/forecast/maintenance/unit-history.js';
import { at, day, reading, unit } from './unit-series.js';

type Records = Parameters<typeof unitHistories>[0];
type Batch = NonNullable<Records['batches']>[number];

/** Runs are the batches' `manufacturing-started` milestones naming the unit. */
const run = (when: string): Batch => ({ events: [{ type: 'milestone-reached', at: when, milestone: { milestone: 'manufacturing-started', at: when, source: 'mes', data: { equipmentId: unit.id } } }] });

function history(telemetry: Records['telemetry'], maintenance: Records['maintenance'] = [], runs: string[] = []) {
  return unitHistories({ equipment: [unit], telemetry, maintenance, batches: runs.map(run) }).get(unit.id)!;
}

describe('unit-day features', () => {
  const rising = Array.from({ length: 10 }, (_, n) => reading(n, 37 + 0.05 * n));

  it('a rising daily mean has a positive drift, equal to its slope per day', () => {
    const f = unitDayFeatures(history(rising), epochDay(day(9)));
    expect(f.temperature_c_drift_7d).toBeCloseTo(0.05, 9);
    expect(f.temperature_c_drift_30d).toBeCloseTo(0.05, 9);
  });

  it('a falling daily mean has a negative drift', () => {
    const falling = Array.from({ length: 10 }, (_, n) => reading(n, 37 - 0.02 * n));
    expect(unitDayFeatures(history(falling), epochDay(day(9))).temperature_c_drift_7d).toBeCloseTo(-0.02, 9);
  });

  it('growing noise shows as stddev, its trend and its ratio to the unit’s own median', () => {
    const noisy = Array.from({ length: 10 }, (_, n) => reading(n, 37, n < 7 ? 0.1 : 0.1 * (n - 5)));
    const f = unitDayFeatures(history(noisy), epochDay(day(9)));
    expect(f.temperature_c_stddev).toBeCloseTo(0.4, 9);
    expect(f.temperature_c_stddev_ratio_30d).toBeCloseTo(4, 9); // median of the 9 days before is 0.1
    expect(f.temperature_c_stddev_trend_7d).toBeGreaterThan(0);
    expect(f.max_stddev_ratio_30d).toBeCloseTo(4, 9);
    expect(f.temperature_c_range_1d).toBeCloseTo(0.6, 9);
  });

  it('counts minutes out of range today and over 7 days, excursion days and mean crossings', () => {
    const series = [37, 38, 37, 38, 37].map((m, n) => reading(n, m, 0.1, n >= 3 ? 30 : 0));
    const f = unitDayFeatures(history(series), epochDay(day(4)));
    expect(f.temperature_c_out_of_range_minutes_1d).toBe(30);
    expect(f.temperature_c_out_of_range_minutes_7d).toBe(60);
    expect(f.out_of_range_minutes_7d).toBe(60);
    expect(f.temperature_c_excursion_days_7d).toBe(2);
    expect(f.temperature_c_mean_crossings_30d).toBe(4);
  });

  it('knows age, kind, days and runs since the last service or repair, and failures so far', () => {
    const maintenance = [
      { equipmentId: unit.id, kind: 'failure' as const, at: at(1), downtimeHours: 12 },
      { equipmentId: unit.id, kind: 'repair' as const, at: at(2, 0) },
      { equipmentId: unit.id, kind: 'service' as const, at: at(20, 0), downtimeHours: 8 },
    ];
    const h = history(rising, maintenance, [at(0), at(3), at(5), at(25)]);
    const f = unitDayFeatures(h, epochDay(day(9)));
    expect(f.kind).toBe(EQUIPMENT_KIND_CODES.bioreactor);
    expect(f.age_days).toBe(110); // installed 100 days before day 0; the row is as of the end of day 9
    expect(f.days_since_maintenance).toBe(8); // repaired at the start of day 2
    expect(f.runs_since_maintenance).toBe(2); // the runs of days 3 and 5: day 0 was before the repair, day 25 is future
    expect(f.failures_so_far).toBe(1);
  });

  it('leaves out what it cannot know: a metric without history, days since maintenance never done', () => {
    const f = unitDayFeatures(history([reading(0, 37)]), epochDay(day(0)));
    expect(f.temperature_c_drift_7d).toBeUndefined();
    expect(f.temperature_c_stddev_ratio_30d).toBeUndefined();
    expect(f.days_since_maintenance).toBeUndefined();
    expect(f.ph_stddev).toBeUndefined();
    expect(f.runs_since_maintenance).toBe(0);
  });
});
