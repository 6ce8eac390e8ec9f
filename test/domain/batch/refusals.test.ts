import { describe, expect, it } from 'vitest';
import { ERR } from '../../../src/domain/errors.js';
import { DAY, DIN, Journey, QA } from './journey-fixtures.js';

const atStage = (stage: string) => {
  const j = new Journey();
  return j.drive((x) => x.state.stage === stage);
};

describe('the journey decider refuses, with its code and a sentence', () => {
  it('a malformed command (ERR_VALIDATION), naming the field', () => {
    const j = new Journey();
    const d = j.send({ type: 'cancel', command: { reason: '', actor: { name: 'Dr. T', role: 'physician' } } });
    expect(d.refusal).toMatchObject({ code: ERR.VALIDATION, message: expect.stringContaining('reason') });
    expect(d.events).toEqual([]);
  });

  it('a scan out of turn (ERR_OUT_OF_TURN), saying which scan it waits for', () => {
    const j = atStage('APHERESIS_SCHEDULED');
    const d = j.scan('facility-receipt');
    expect(d.refusal).toEqual({ code: ERR.OUT_OF_TURN, message: 'The batch is not waiting for a facility-receipt scan (it waits for collection).' });
    expect(j.state.stage).toBe('APHERESIS_SCHEDULED');
  });

  it('the wrong COI, the wrong DIN and an invalid DIN, recording a deviation each time without moving', () => {
    const j = atStage('COLLECTED');
    expect(j.scan('outbound-pickup', { coiId: 'COI-OTHR-0000-0000-X' }).refusal?.code).toBe(ERR.COI_MISMATCH);
    expect(j.scan('outbound-pickup', { din: 'W123426000999' }).refusal?.code).toBe(ERR.DIN_MISMATCH);
    expect(j.scan('outbound-pickup', { din: 'W12342600012' }).refusal?.code).toBe(ERR.INVALID_DIN);
    expect(j.state.stage).toBe('COLLECTED');
    expect(j.state.issues.map((i) => [i.kind, i.blocking])).toEqual([['deviation', false], ['deviation', false], ['deviation', false]]);
    expect(j.scan('outbound-pickup').refusal).toBeUndefined();
    expect(j.state.stage).toBe('OUTBOUND_TRANSIT');
  });

  it('a scan while on hold (ERR_ON_HOLD)', () => {
    const j = atStage('OUTBOUND_TRANSIT');
    j.send({ type: 'excursion', change: { excursionId: 'x1', change: 'opened', kind: 'excursion', deviceId: 'logger-1', at: j.iso() } });
    expect(j.scan('facility-receipt').refusal?.code).toBe(ERR.ON_HOLD);
    expect(j.send({ type: 'book', request: { infusionDate: j.iso(j.now + 10 * DAY) } }).refusal?.code).toBe(ERR.ON_HOLD);
  });

  it('a QA disposition when none is awaited, and a plain release of a quarantined batch (ERR_OUT_OF_TURN, ERR_NOT_ALLOWED)', () => {
    const j = atStage('QC_TESTING');
    const release = { type: 'qa-disposition', decision: { decision: 'release', signer: QA, meaning: 'released' } } as const;
    expect(j.send(release).refusal?.code).toBe(ERR.OUT_OF_TURN);
    j.milestone('qc-complete', { passed: false });
    expect(j.send(release).refusal).toEqual({
      code: ERR.NOT_ALLOWED, message: 'The batch is quarantined or out of specification: only a conditional release or a rejection is possible.',
    });
    const withoutReason = j.send({ type: 'qa-disposition', decision: { decision: 'reject', signer: QA, meaning: 'rejected' } });
    expect(withoutReason.refusal).toMatchObject({ code: ERR.VALIDATION, message: expect.stringContaining('reason') });
  });

  it('an assessment of an unknown, already assessed or telemetry-gap issue (ERR_UNKNOWN_ISSUE)', () => {
    const j = atStage('OUTBOUND_TRANSIT');
    const assess = (excursionId: string) => j.send({ type: 'assess', assessment: { excursionId, impact: 'none', signer: QA, meaning: 'no impact' } });
    expect(assess('nope').refusal?.code).toBe(ERR.UNKNOWN_ISSUE);
    j.send({ type: 'excursion', change: { excursionId: 'gap-1', change: 'opened', kind: 'telemetry_gap', deviceId: 'logger-1', at: j.iso() } });
    expect(assess('gap-1').refusal?.code).toBe(ERR.UNKNOWN_ISSUE);
    j.send({ type: 'excursion', change: { excursionId: 'x1', change: 'opened', kind: 'excursion', deviceId: 'logger-1', at: j.iso() } });
    expect(assess('x1').refusal).toBeUndefined();
    expect(assess('x1').refusal?.code).toBe(ERR.UNKNOWN_ISSUE);
  });

  it('a booking before release (ERR_OUT_OF_TURN) or outside the LD window (ERR_BOOKING_OUTSIDE_WINDOW)', () => {
    const early = atStage('QC_TESTING');
    expect(early.send({ type: 'book', request: { infusionDate: early.iso(early.now + 20 * DAY) } }).refusal?.code).toBe(ERR.OUT_OF_TURN);
    const j = atStage('RECEIVED_AT_SITE');
    const window = j.awaiting as { earliest: string; latest: string };
    const tooSoon = j.send({ type: 'book', request: { infusionDate: j.iso(Date.parse(window.earliest) - DAY) } });
    expect(tooSoon.refusal?.code).toBe(ERR.BOOKING_OUTSIDE_WINDOW);
    expect(j.send({ type: 'book', request: { infusionDate: j.iso(Date.parse(window.latest) + DAY) } }).refusal?.code).toBe(ERR.BOOKING_OUTSIDE_WINDOW);
  });

  it('cancelling a booking that does not exist (ERR_NOT_ALLOWED), and cancelling a completed batch (ERR_ENDED)', () => {
    const j = atStage('RECEIVED_AT_SITE');
    expect(j.send({ type: 'cancel-booking' }).refusal?.code).toBe(ERR.NOT_ALLOWED);
    j.drive((x) => x.state.stage === 'INFUSED');
    expect(j.state.stage).toBe('COMPLETED');
    expect(j.send({ type: 'cancel', command: { reason: 'late', actor: QA } }).refusal?.code).toBe(ERR.ENDED);
  });

  it('anything but facts once the batch has ended (ERR_ENDED), while signals are quietly not recorded', () => {
    const j = new Journey();
    j.send({ type: 'cancel', command: { reason: 'withdrawn', actor: { name: 'Dr. T', role: 'physician' } } });
    expect(j.state.stage).toBe('CANCELLED');
    expect(j.scan('collection').refusal?.code).toBe(ERR.ENDED);
    expect(j.send({ type: 'cancel', command: { reason: 'again', actor: QA } }).refusal?.code).toBe(ERR.ENDED);
    const late = j.milestone('apheresis-scheduled');
    expect(late).toEqual({ events: [] });
    expect(j.scan('collection', { din: DIN }).refusal?.message).toBe('The batch has ended (CANCELLED); nothing more can be recorded.');
  });
});
