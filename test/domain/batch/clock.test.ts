import { describe, expect, it } from 'vitest';
import { batchClock } from '../../../src/domain/batch/index.js';
import { HOUR_MS, DAY_MS } from '../../../src/domain/durations.js';

describe("a batch's clock", () => {
  it('runs in real time only at time scale 1: its days are then calendar days at the site', () => {
    expect(batchClock({ timeScale: 1 })).toMatchObject({ realTime: true, dayMs: DAY_MS, hourMs: HOUR_MS });
  });

  it('is compressed at any other scale, a day lasting DAY_MS / timeScale', () => {
    const clock = batchClock({ timeScale: 21_600 });
    expect(clock).toMatchObject({ realTime: false, dayMs: 4_000, hourMs: HOUR_MS / 21_600 });
    expect(clock.hours(24)).toBe(clock.dayMs);
    expect(batchClock({ timeScale: 0.5 }).realTime).toBe(false);
  });
});
