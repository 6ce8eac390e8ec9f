import { describe, expect, it } from 'vitest';
import { recollectionReplan } from '../../../src/domain/batch/chain.js';
import { batchClock, planClock, REAL_CLOCK } from '../../../src/domain/batch/journey.js';
import type { MilestoneCommand } from '../../../src/domain/commands.js';
import { chainOn, Journey, journeyInput } from './journey-fixtures.js';
import { DAY_MS } from '../../../src/domain/durations.js';

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

describe('a compressed batch names plan days in the shared calendar', () => {
  const reported = (at: number) => ({ milestone: 'recollection-scheduled', at: new Date(at).toISOString(), actor: { id: 'apheresis-1', role: 'apheresis' } }) as unknown as MilestoneCommand;

  it('a re-collection with no day named is re-planned from the simulated date of the report', () => {
    const input = { ...journeyInput(undefined, { chain: chainOn('2027-03-10') }), timeScale: 1440, clockOriginMs: origin };
    const j = new Journey(input);
    // Three real minutes after the origin is three simulated days after it.
    const event = recollectionReplan(j.state, reported(origin + 3 * 60_000), new Date().toISOString());
    expect(event).toMatchObject({ type: 'chain-replan-requested', earliestDay: '2027-03-13' });
  });

  it("on the real clock the report's own date, as before", () => {
    const j = new Journey(journeyInput(undefined, { chain: chainOn('2027-03-10') }));
    expect(recollectionReplan(j.state, reported(origin + 3 * 60_000), new Date().toISOString())).toMatchObject({ earliestDay: '2027-03-10' });
  });
});
