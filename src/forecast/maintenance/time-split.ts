import { FAILURE_HORIZON_DAYS } from './labels.js';
import type { MaintenanceRow } from './training-rows.js';

export interface TimeSplit {
  train: MaintenanceRow[];
  test: MaintenanceRow[];
  /** First epoch day of the test period. */
  cutoffDay: number;
}

/**
 * Older days train, newer days test: the last `testShare` of the calendar days are the test period.
 * A training row's label looks 7 days ahead, so the training rows stop 7 days before the cutoff:
 * otherwise a training label would be read from the test period.
 */
export function splitByDay(rows: readonly MaintenanceRow[], testShare = 0.3): TimeSplit {
  const days = [...new Set(rows.map((r) => r.day))].sort((a, b) => a - b);
  const cutoffDay = days[Math.min(days.length - 1, Math.floor(days.length * (1 - testShare)))] ?? 0;
  return {
    train: rows.filter((r) => r.day + FAILURE_HORIZON_DAYS < cutoffDay),
    test: rows.filter((r) => r.day >= cutoffDay),
    cutoffDay,
  };
}
