import { describe, expect, it } from 'vitest';
import { awaiting, compensation, nextDeadline } from '../../../src/domain/batch/index.js';
import { DAY, Journey, QA, journeyInput } from './journey-fixtures.js';

const HOUR = 3_600_000;
const until = (stage: string) => (x: Journey) => x.state.stage === stage;
/** A batch at `stage`, its manufacturing line granted on the way. */
function at(stage: string, productId?: string) {
  const j = new Journey(journeyInput(productId));
  return j.drive(until(stage));
}
const excursion = (j: Journey, excursionId: string, change: 'opened' | 'closed' = 'opened') =>
  j.send({ type: 'excursion', change: { excursionId, change, kind: 'excursion', deviceId: 'logger-1', metric: 'temperature_c', at: j.iso() } });
const assess = (j: Journey, excursionId: string, impact: 'none' | 'quarantine' | 'reject') =>
  j.send({ type: 'assess', assessment: { excursionId, impact, signer: QA, meaning: `${impact} impact` } });

describe('side paths of the journey decider', () => {
  it('holds on an excursion until QA assesses it, then returns to the stage it left; the issue closes once it is also over', () => {
    const j = at('OUTBOUND_TRANSIT');
    excursion(j, 'x1');
    expect(j.state.stage).toBe('ON_HOLD');
    expect(j.awaiting).toEqual({ kind: 'excursion-assessment', excursionId: 'x1' });
    assess(j, 'x1', 'none');
    expect(j.state.stage).toBe('OUTBOUND_TRANSIT');
    expect(j.state.issues[0]).toMatchObject({ state: 'open', assessment: { impact: 'none' } });
    excursion(j, 'x1', 'closed');
    expect(j.state.issues[0]!.state).toBe('closed');
    expect(j.drive().state.stage).toBe('COMPLETED');
  });

  it('assesses several blocking issues in turn before lifting the hold', () => {
    const j = at('MANUFACTURING');
    excursion(j, 'x1');
    excursion(j, 'x2');
    expect(j.awaiting).toEqual({ kind: 'excursion-assessment', excursionId: 'x1' });
    assess(j, 'x1', 'none');
    expect(j.state.stage).toBe('ON_HOLD');
    expect(j.awaiting).toEqual({ kind: 'excursion-assessment', excursionId: 'x2' });
    assess(j, 'x2', 'none');
    expect(j.state.stage).toBe('MANUFACTURING');
  });

  it('keeps milestones reported during a hold and reaches them once it is lifted', () => {
    const j = at('MANUFACTURING');
    excursion(j, 'x1');
    j.milestone('activation-complete');
    expect(j.state.manufacturing.done).toBe(0);
    assess(j, 'x1', 'none');
    expect(j.state.manufacturing.done).toBe(1);
    expect(j.awaiting).toEqual({ kind: 'milestone', milestone: 'transduction-complete' });
  });

  it('a quarantine assessment allows only a conditional release, which then waits for the physician', () => {
    const j = at('QC_TESTING');
    excursion(j, 'x1');
    assess(j, 'x1', 'quarantine');
    expect(j.state.quarantined).toBe(true);
    j.milestone('qc-complete', { passed: true });
    j.send({ type: 'qa-disposition', decision: { decision: 'conditional-release', signer: QA, meaning: 'released on acceptance', reason: 'excursion' } });
    expect(j.awaiting).toEqual({ kind: 'milestone', milestone: 'physician-acceptance' });
    j.milestone('physician-acceptance');
    expect(j.state.stage).toBe('RELEASED');
  });

  it('fails on a rejected excursion, gives back the line, and re-collects under the same COI with a new attempt', () => {
    const j = at('MANUFACTURING');
    excursion(j, 'x1');
    const d = assess(j, 'x1', 'reject');
    expect(d.events.map((e) => e.type)).toEqual(['issue-assessed', 'batch-failed', 'stage-changed', 'slot-released']);
    expect(j.state.stage).toBe('FAILED');
    expect(j.awaiting).toEqual({ kind: 'milestone', milestone: 'recollection-scheduled' });
    j.milestone('recollection-scheduled');
    expect(j.state).toMatchObject({ stage: 'APHERESIS_SCHEDULED', attempt: 2, din: undefined, slot: { state: 'none' }, manufacturing: { done: 0 } });
    expect(j.state.input.coiId).toBe(journeyInput().coiId);
    expect(j.awaiting).toEqual({ kind: 'handoff', step: 'collection' });
  });

  it('fails on a manufacturing failure reported at any step of manufacturing or QC, and on a QA rejection', () => {
    for (const stage of ['MANUFACTURING', 'QC_TESTING']) {
      const j = at(stage);
      j.milestone('manufacturing-failed', { cause: 'insufficient expansion' });
      expect(j.state.stage).toBe('FAILED');
      expect(j.state.timeline.at(-2)).toMatchObject({ event: 'failed', detail: 'manufacturing failed (test partner)' });
    }
    const j = at('AWAITING_QA_RELEASE');
    j.send({ type: 'qa-disposition', decision: { decision: 'reject', signer: QA, meaning: 'rejected', reason: 'sterility' } });
    expect(j.state.stage).toBe('FAILED');
  });

  it('a manufacturing failure reported before manufacturing starts fails the batch once it starts', () => {
    const j = at('RECEIVED_AT_FACILITY');
    j.milestone('manufacturing-failed');
    expect(j.state.stage).toBe('RECEIVED_AT_FACILITY');
    j.milestone('manufacturing-started');
    expect(j.state.stage).toBe('FAILED');
  });

  it('raises a blocking deviation when a leg outlives its stability window', () => {
    const j = at('OUTBOUND_TRANSIT');
    const leg = j.state.shipments[0]!;
    j.send({ type: 'leg-overdue', shipmentId: leg.shipmentId, leg: 'outbound' });
    expect(j.state.stage).toBe('ON_HOLD');
    expect(j.state.issues[0]).toMatchObject({ kind: 'deviation', blocking: true, reason: 'outbound leg over its stability window' });
    expect(j.send({ type: 'leg-overdue', shipmentId: leg.shipmentId, leg: 'outbound' }).events).toEqual([]);
  });

  it('a telemetry gap is recorded but holds nothing', () => {
    const j = at('OUTBOUND_TRANSIT');
    j.send({ type: 'excursion', change: { excursionId: 'g1', change: 'opened', kind: 'telemetry_gap', deviceId: 'logger-1', at: j.iso() } });
    expect(j.state.stage).toBe('OUTBOUND_TRANSIT');
    expect(j.state.issues[0]).toMatchObject({ kind: 'telemetry_gap', blocking: false, state: 'open' });
  });

  it('waits for a free line: a refused slot is asked again after an hour, alerting once', () => {
    const j = new Journey();
    j.grantLines = false;
    j.drive((x) => x.state.slot.state === 'requested');
    const refused = j.answerSlot(false);
    expect(refused.events).toMatchObject([{ type: 'slot-refused', first: true }]);
    expect(j.awaiting).toMatchObject({ kind: 'timer', reason: 'waiting for a free manufacturing line' });
    expect(nextDeadline(j.state, j.now)).toBe(j.now + HOUR);
    expect(j.send({ type: 'timer-fired' }).events).toEqual([]);
    j.advance(HOUR);
    expect(j.send({ type: 'timer-fired' }).events.map((e) => e.type)).toEqual(['slot-requested']);
    expect(j.answerSlot(false).events).toMatchObject([{ type: 'slot-refused', first: false }]);
    j.advance(HOUR).send({ type: 'timer-fired' });
    j.answerSlot(true);
    expect(j.awaiting).toEqual({ kind: 'milestone', milestone: 'manufacturing-started' });
  });

  it('escalates a QA disposition that waits too long, three times at most', () => {
    const j = at('AWAITING_QA_RELEASE');
    const every = j.state.input.profile.escalationHours.qaDisposition * HOUR;
    const levels: number[] = [];
    for (let i = 0; i < 5; i++) {
      j.advance(every);
      for (const e of j.send({ type: 'timer-fired' }).events) if (e.type === 'escalated') levels.push(e.level);
    }
    expect(levels).toEqual([1, 2, 3]);
    expect(nextDeadline(j.state, j.now)).toBeUndefined();
    expect(j.awaiting).toEqual({ kind: 'qa-disposition' });
  });

  it('books, moves and cancels an infusion; the infusion scan waits for the day', () => {
    const j = at('RECEIVED_AT_SITE');
    const window = j.awaiting as { earliest: string };
    const day = Date.parse(window.earliest) + 2 * DAY;
    j.send({ type: 'book', request: { infusionDate: j.iso(day) } });
    expect(j.state.stage).toBe('INFUSION_SCHEDULED');
    expect(j.state.booking).toMatchObject({ infusionDate: j.iso(day), ldStart: j.iso(day - 5 * DAY) });
    expect(j.awaiting).toEqual({ kind: 'timer', until: j.iso(day), reason: 'infusion day' });
    expect(nextDeadline(j.state, j.now)).toBe(day);
    j.send({ type: 'book', request: { infusionDate: j.iso(day + DAY) } });
    expect(j.state.booking?.infusionDate).toBe(j.iso(day + DAY));
    j.send({ type: 'cancel-booking' });
    expect(j.state.stage).toBe('RECEIVED_AT_SITE');
    expect(j.awaiting?.kind).toBe('infusion-booking');
    j.send({ type: 'book', request: { infusionDate: j.iso(day) } });
    expect(j.scan('infusion').refusal?.code).toBe('ERR_OUT_OF_TURN');
    j.now = day;
    expect(awaiting(j.state, j.now)).toEqual({ kind: 'handoff', step: 'infusion' });
    j.scan('infusion');
    expect(j.state.stage).toBe('COMPLETED');
  });

  it('an infusion may be booked while the product travels, and the batch is scheduled on receipt', () => {
    const j = at('RETURN_TRANSIT');
    j.send({ type: 'book', request: { infusionDate: j.iso(j.now + 8 * DAY) } });
    expect(j.state.stage).toBe('RETURN_TRANSIT');
    j.scan('site-receipt');
    expect(j.stages().slice(-2)).toEqual(['RECEIVED_AT_SITE', 'INFUSION_SCHEDULED']);
  });

  it('cancellation compensates what the batch holds: its line, its booking, its legs on the road', () => {
    const inTransit = at('OUTBOUND_TRANSIT');
    expect(compensation(inTransit.state)).toEqual({ releaseSlot: false, releaseChain: false, cancelBooking: false, cancelShipments: [inTransit.state.shipments[0]!.shipmentId] });
    const cancelled = inTransit.send({ type: 'cancel', command: { reason: 'withdrawn', actor: QA } });
    expect(cancelled.events.map((e) => e.type)).toEqual(['cancellation-requested', 'legs-cancelled', 'stage-changed']);
    expect(inTransit.state.shipments[0]!.state).toBe('cancelled');

    const booked = at('RETURN_TRANSIT');
    booked.send({ type: 'book', request: { infusionDate: booked.iso(booked.now + 8 * DAY) } });
    expect(compensation(booked.state)).toMatchObject({ releaseSlot: false, cancelBooking: true });
    const making = at('MANUFACTURING');
    expect(compensation(making.state)).toMatchObject({ releaseSlot: true, cancelBooking: false, cancelShipments: [] });
    expect(making.send({ type: 'cancel', command: { reason: 'withdrawn', actor: QA } }).events.map((e) => e.type)).toEqual(['cancellation-requested', 'slot-released', 'stage-changed']);
    expect(making.state.stage).toBe('CANCELLED');
    expect(making.awaiting).toBeNull();
  });

  it('notes equipment risk crossings, and runs on the batch clock: a compressed batch escalates in compressed hours', () => {
    const j = at('MANUFACTURING');
    j.send({ type: 'equipment-risk', risk: { equipmentId: 'bio-1', risk: 0.8, threshold: 0.7, crossed: 'above', at: j.iso() } });
    expect(j.state.timeline.at(-1)).toMatchObject({ event: 'equipment-risk', detail: 'bio-1 above 0.7' });
    const fast = new Journey({ ...journeyInput(), timeScale: 86_400 });
    fast.drive(until('AWAITING_QA_RELEASE'));
    expect(nextDeadline(fast.state, fast.now)! - fast.now).toBe((48 * HOUR) / 86_400);
  });
});
