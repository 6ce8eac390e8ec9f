import { describe, expect, it } from 'vitest';
import type { MaintenanceFeatureRow } from '../../../src/forecast/maintenance/feature-list.js';
import { evaluateThresholdRule, fitThresholdRule } from '../../../src/forecast/maintenance/threshold-rule.js';
import { splitByDay } from '../../../src/forecast/maintenance/time-split.js';
import type { MaintenanceRow } from '../../../src/forecast/maintenance/training-rows.js';

const row = (day: number, features: MaintenanceFeatureRow, failsWithin7Days?: 0 | 1): MaintenanceRow => ({
  equipmentId: 'u',
  kind: 'freezer',
  day,
  features,
  labels: failsWithin7Days === undefined ? {} : { failsWithin7Days },
});

describe('threshold rule', () => {
  // Minutes out of range separate the failures only partly; the noise ratio separates them exactly above 2.
  const train = [
    row(1, { out_of_range_minutes_1d: 0, max_stddev_ratio_30d: 1 }, 0),
    row(2, { out_of_range_minutes_1d: 50, max_stddev_ratio_30d: 1.1 }, 0),
    row(3, { out_of_range_minutes_1d: 40, max_stddev_ratio_30d: 2.5 }, 1),
    row(4, { out_of_range_minutes_1d: 0, max_stddev_ratio_30d: 2 }, 1),
    row(5, { max_stddev_ratio_30d: 0.9 }, 0),
    row(6, { out_of_range_minutes_1d: 500, max_stddev_ratio_30d: 3 }), // censored: not fitted on
  ];

  it('picks the feature and threshold with the best F1 on the training rows', () => {
    expect(fitThresholdRule(train)).toEqual({ feature: 'max_stddev_ratio_30d', threshold: 2, trainF1: 1 });
  });

  it('is evaluated on labelled rows only, missing features ranking lowest', () => {
    const rule = { feature: 'out_of_range_minutes_1d' as const, threshold: 40, trainF1: 0 };
    const evaluation = evaluateThresholdRule(rule, train);
    expect(evaluation).toMatchObject({ precision: 0.5, recall: 0.5, flagged: 2 });
    // Ranked 50 (−), 40 (+), tie at 0 (+, −), missing (−): (1/2)(1/2) + (1/2)(2/4).
    expect(evaluation.prAuc).toBeCloseTo(0.5, 12);
  });
});

describe('time-ordered split', () => {
  it('tests on the newest days and stops training 7 days before them, so no training label reads the test period', () => {
    const rows = Array.from({ length: 100 }, (_, d) => row(d, {}, 0));
    const { train, test, cutoffDay } = splitByDay(rows, 0.3);
    expect(cutoffDay).toBe(70);
    expect(test.map((r) => r.day)).toEqual(Array.from({ length: 30 }, (_, i) => 70 + i));
    expect(Math.max(...train.map((r) => r.day))).toBe(62);
  });
});
