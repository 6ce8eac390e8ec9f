import { describe, expect, it } from 'vitest';
import { RUL_CAP_DAYS } from '../../../src/forecast/maintenance/labels.js';
import { maintenanceRows } from '../../../src/forecast/maintenance/training-rows.js';
import { epochDay } from '../../../src/forecast/maintenance/unit-history.js';
import { at, day, failure, reading, unit } from './unit-series.js';

// 100 days of readings except days 50–51, when the unit fails (day 50, noon) and is repaired (end of day 51).
const telemetry = Array.from({ length: 100 }, (_, n) => reading(n, 37)).filter((_, n) => n !== 51);
const rows = maintenanceRows({ equipment: [unit], telemetry, maintenance: failure(50), endAt: at(99, 24) });
const row = (n: number) => rows.find((r) => r.day === epochDay(day(n)));

describe('maintenance labels', () => {
  it('a unit-day is positive when the unit fails within the 7 days after it, with the days left as its RUL', () => {
    expect(row(43)?.labels).toEqual({ failsWithin7Days: 1, rulDays: 6.5 });
    expect(row(42)?.labels).toEqual({ failsWithin7Days: 0, rulDays: 7.5 });
  });

  it('no row for the day it failed nor for a day it was down all day', () => {
    expect(row(50)).toBeUndefined();
    expect(row(51)).toBeUndefined();
    expect(row(52)).toBeDefined();
  });

  it('a quiet day whose 7 days run past the end of the history is censored, not negative', () => {
    expect(row(92)?.labels.failsWithin7Days).toBe(0);
    expect(row(93)?.labels.failsWithin7Days).toBeUndefined();
    expect(row(99)).toBeDefined();
  });

  it('RUL is capped, and unknown when neither a failure nor the cap lies inside the history', () => {
    expect(row(0)?.labels.rulDays).toBe(49.5);
    expect(row(52)?.labels.rulDays).toBeUndefined();
    const longer = maintenanceRows({ equipment: [unit], telemetry, maintenance: [], endAt: at(99, 24) });
    expect(longer.find((r) => r.day === epochDay(day(10)))?.labels.rulDays).toBe(RUL_CAP_DAYS);
    expect(longer.find((r) => r.day === epochDay(day(60)))?.labels.rulDays).toBeUndefined();
  });
});
