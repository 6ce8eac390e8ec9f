import { describe, expect, it } from 'vitest';
import { custodyRecordOf, nextDeadline } from '../../../src/domain/batch/index.js';
import { bookableUntil } from '../../../src/domain/ld-window.js';
import { DAY, Journey, QA, journeyInput } from './journey-fixtures.js';

/** A product received at its treatment centre and not booked. */
function unbooked() {
  return new Journey(journeyInput()).drive((j) => j.state.stage === 'RECEIVED_AT_SITE');
}
/** The deviation's id: the batch's own, as it is the custody record's key. */
const deviationOf = (j: Journey) => `deviation:infusion-window:${j.state.input.batchId}:1`;
const closesAt = (j: Journey) => bookableUntil({ receivedAt: Date.parse(j.state.receivedAtSite!), profile: j.state.input.profile, dayMs: DAY });

describe("an unbooked product's infusion window closing", () => {
  it('is the batch’s next deadline, the last moment its window still has an earliest day before its latest', () => {
    const j = unbooked();
    const { ld, maxDaysReceiptToInfusion } = j.state.input.profile;
    expect(nextDeadline(j.state, j.now)).toBe(Date.parse(j.state.receivedAtSite!) + (maxDaysReceiptToInfusion - ld.courseDays - ld.restDaysMin) * DAY);
    expect(j.advance(closesAt(j) - j.now - 1).awaiting).toMatchObject({ kind: 'infusion-booking' });
    // A workflow whose history began before the window was watched has no such deadline.
    expect(nextDeadline(j.state, j.now, { bookingWindow: false })).toBeUndefined();
  });

  it('opens a blocking deviation when it passes, recorded in custody, which holds the batch for QA; a rejection fails it', () => {
    const j = unbooked();
    j.now = closesAt(j);
    const before = j.state;
    const fired = j.send({ type: 'timer-fired' });
    const opened = fired.events.find((e) => e.type === 'issue-opened')!;
    expect(opened).toMatchObject({ cause: 'infusion-window-closed', issue: { id: deviationOf(j), kind: 'deviation', blocking: true } });
    expect(custodyRecordOf(opened, before)).toMatchObject({ key: deviationOf(j), kind: 'deviation', actor: { role: 'system' }, data: { receivedAt: before.receivedAtSite, attempt: 1 } });
    expect(j.state.stage).toBe('ON_HOLD');
    expect(j.awaiting).toEqual({ kind: 'excursion-assessment', excursionId: deviationOf(j) });
    j.send({ type: 'assess', assessment: { excursionId: deviationOf(j), impact: 'reject', signer: QA, meaning: 'product expired' } });
    expect(j.state.stage).toBe('FAILED');
  });

  it('fires once: after QA judges no impact the batch is back waiting for a booking, and its clock asks nothing more', () => {
    const j = unbooked();
    j.now = closesAt(j) + DAY;
    j.send({ type: 'timer-fired' });
    j.send({ type: 'assess', assessment: { excursionId: deviationOf(j), impact: 'none', signer: QA, meaning: 'shelf life extended on stability data' } });
    expect(j.state.stage).toBe('RECEIVED_AT_SITE');
    expect(nextDeadline(j.state, j.now)).toBeUndefined();
    expect(j.send({ type: 'timer-fired' }).events).toEqual([]);
  });

  it('is no deadline for a booked product, and is again once its booking is cancelled', () => {
    const j = unbooked();
    const next = j.awaiting as Extract<typeof j.awaiting, { kind: 'infusion-booking' }>;
    j.send({ type: 'book', request: { infusionDate: new Date(Date.parse(next.earliest) + DAY).toISOString() } });
    expect(j.state.stage).toBe('INFUSION_SCHEDULED');
    expect(nextDeadline(j.state, j.now)).toBe(Date.parse(j.state.booking!.infusionDate));
    j.send({ type: 'cancel-booking' });
    expect(nextDeadline(j.state, j.now)).toBe(closesAt(j));
  });
});
