import { describe, expect, it } from 'vitest';
import { landmarkRows } from '../../src/forecast/features/index.js';
import { foldSplit, rollingOrigins } from '../../src/forecast/training/folds.js';
import { smallTwinRun } from './landmark-fixtures.js';

const { rows } = landmarkRows(smallTwinRun());
const released = rows.filter((r) => r.targets.release_days !== null);
const ms = Date.parse;

describe('rolling-origin folds', () => {
  const folds = rollingOrigins(released.map((r) => r.at), { folds: 3, window: 0.1 });

  it('step one window apart over the newest landmarks, the last test window ending after the newest', () => {
    expect(folds).toHaveLength(3);
    for (const [i, f] of folds.entries()) {
      expect(ms(f.origin)).toBeLessThan(ms(f.testFrom));
      expect(ms(f.testFrom)).toBeLessThan(ms(f.testTo));
      if (i > 0) expect(f.origin).toBe(folds[i - 1]!.testFrom);
      if (i > 0) expect(f.testFrom).toBe(folds[i - 1]!.testTo);
    }
    const newest = released.map((r) => r.at).sort().at(-1)!;
    expect(ms(folds[2]!.testTo)).toBeGreaterThan(ms(newest));
    // 60 % of the landmarks are older than the first origin.
    expect(released.filter((r) => r.at < folds[0]!.origin).length / released.length).toBeCloseTo(0.6, 2);
  });

  it('never train on an outcome that came after the origin, nor calibrate on one after the test window opened', () => {
    for (const f of folds) {
      const { train, calibration, test } = foldSplit(released, f, 'release_days');
      expect(train.length).toBeGreaterThan(500);
      expect(train.every((r) => r.at < f.origin && ms(r.outcomeAt.release_days!) <= ms(f.origin))).toBe(true);
      expect(calibration.every((r) => r.at >= f.origin && r.at < f.testFrom && ms(r.outcomeAt.release_days!) <= ms(f.testFrom))).toBe(true);
      expect(test.every((r) => r.at >= f.testFrom && r.at < f.testTo)).toBe(true);
      // Landmarks before the origin still waiting for their release then are left out, not trained on.
      const waiting = released.filter((r) => r.at < f.origin && ms(r.outcomeAt.release_days!) > ms(f.origin));
      expect(waiting.length).toBeGreaterThan(0);
      expect(train.filter((r) => waiting.includes(r))).toEqual([]);
    }
  });

  it('test each landmark in one fold at most', () => {
    const tested = folds.flatMap((f) => foldSplit(released, f, 'release_days').test);
    expect(new Set(tested).size).toBe(tested.length);
  });

  it('refuse a backtest that leaves nothing to train the first fold on', () => {
    expect(() => rollingOrigins(['2026-01-01T00:00:00.000Z'], { folds: 4, window: 0.25 })).toThrow(/must stay below 1/);
  });
});
