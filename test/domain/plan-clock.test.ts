import { describe, expect, it } from 'vitest';
import { batchClock, planClock, REAL_CLOCK } from '../../src/domain/batch/journey.js';
import { DAY_MS } from '../../src/domain/durations.js';

const origin = Date.parse('2027-03-10T09:30:00Z');

describe('planClock: the shared simulated calendar of a compressed clock', () => {
  it('maps a real instant to origin + (real − origin) × timeScale, and back', () => {
    const clock = planClock(1440, origin)!;
    // One real minute after the origin is one simulated day after it.
    expect(clock.simulatedAt(origin + 60_000)).toBe(origin + DAY_MS);
    expect(clock.realAt(origin + 14 * DAY_MS)).toBe(origin + 14 * 60_000);
    for (const t of [origin - 5 * DAY_MS, origin, origin + 123_457]) expect(clock.realAt(clock.simulatedAt(t))).toBeCloseTo(t, 3);
  });

  it('turns a simulated window into a real one of the window / timeScale', () => {
    const clock = planClock(60, origin)!;
    const [from, to] = [Date.parse('2027-03-12T00:00:00Z'), Date.parse('2027-03-26T00:00:00Z')];
    expect(clock.realAt(to) - clock.realAt(from)).toBeCloseTo((to - from) / 60, 6);
  });

  it('is shared by every batch: the origin, not a batch’s enrolment, anchors it', () => {
    const clock = planClock(60, origin)!;
    const enrolledLater = origin + 3_600_000;
    // The per-batch display clock counts from the batch's own enrolment; the plan's does not.
    expect(batchClock({ timeScale: 60 }).simulatedAt(enrolledLater, enrolledLater)).toBe(enrolledLater);
    expect(clock.simulatedAt(enrolledLater)).toBe(origin + 60 * 3_600_000);
  });

  it('is the identity on the real clock, whatever the origin, and absent on a compressed clock without one', () => {
    expect(planClock(1, undefined)).toBe(REAL_CLOCK);
    expect(planClock(1, origin)!.simulatedAt(origin + 5)).toBe(origin + 5);
    expect(planClock(60, undefined)).toBeUndefined();
  });
});
