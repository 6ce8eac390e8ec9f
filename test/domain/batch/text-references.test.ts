import { describe, expect, it } from 'vitest';
import { custodyRecordOf, QA_REJECTED } from '../../../src/domain/batch/index.js';
import { milestoneFacts } from '../../../src/domain/command-text.js';
import { Journey, QA, journeyInput } from './journey-fixtures.js';

const actor = { name: 'Dr. T', role: 'physician' };
const reasonRef = { id: '0f8fad5b-d9cb-869f-a165-70867728950e', sha256: 'a'.repeat(64) };
const meaningRef = { id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', sha256: 'b'.repeat(64) };
const signer = { ...QA, userId: 'user-qa-1' };
/** A batch awaiting QA's disposition, its line granted on the way. */
const awaitingQa = () => new Journey(journeyInput()).drive((j) => j.awaiting?.kind === 'qa-disposition');
/** A batch held on its outbound leg's deviation, which awaits QA's assessment. */
function holdingDeviation() {
  const j = new Journey(journeyInput()).drive((x) => x.state.stage === 'OUTBOUND_TRANSIT');
  j.send({ type: 'leg-overdue', shipmentId: j.state.shipments[0]!.shipmentId, leg: 'outbound' });
  return j;
}

describe('free text behind a reference', () => {
  it('a cancellation by reference records the reference, not a reason, in custody and on the timeline', () => {
    const j = new Journey();
    const before = j.state;
    const decision = j.send({ type: 'cancel', command: { reasonRef, actor } });
    const requested = decision.events.find((e) => e.type === 'cancellation-requested')!;
    expect(custodyRecordOf(requested, before)).toMatchObject({ kind: 'cancellation', data: { reasonRef } });
    expect(custodyRecordOf(requested, before)?.data).not.toHaveProperty('reason');
    expect(j.state.timeline.find((t) => t.event === 'cancelled')).not.toHaveProperty('detail');
  });

  it('a cancellation with its reason in place (older histories) records the reason as before', () => {
    const j = new Journey();
    const before = j.state;
    const requested = j.send({ type: 'cancel', command: { reason: 'withdrawn', actor } }).events.find((e) => e.type === 'cancellation-requested')!;
    expect(custodyRecordOf(requested, before)).toMatchObject({ data: { reason: 'withdrawn' } });
    expect(j.state.timeline.find((t) => t.event === 'cancelled')?.detail).toBe('withdrawn');
  });

  it('a cancellation with neither a reason nor a reference is refused', () => {
    expect(new Journey().send({ type: 'cancel', command: { actor } }).refusal).toBeDefined();
  });

  it("keeps only the milestone data keys the journey reads, each with the type it reads", () => {
    const data = { equipmentId: 'bioreactor-1', passed: false, proposedDay: '2027-01-15', collectionDay: 7, note: 'free text', patient: { name: 'x' } };
    expect(milestoneFacts(data)).toEqual({ equipmentId: 'bioreactor-1', passed: false, proposedDay: '2027-01-15' });
  });

  it("a QA rejection by reference records the decision's meaning and the references, and fails the batch without the reason", () => {
    const j = awaitingQa();
    const before = j.state;
    const decision = j.send({ type: 'qa-disposition', decision: { decision: 'reject', signer, meaningRef, reasonRef } });
    const disposed = decision.events.find((e) => e.type === 'qa-disposed')!;
    expect(custodyRecordOf(disposed, before)).toEqual({
      kind: 'qa-disposition', actor: signer, meaning: 'rejected', occurredAt: disposed.at,
      data: { decision: 'reject', meaningRef, reasonRef, signature: { userId: 'user-qa-1', method: 'signing-password' } },
    });
    expect(j.state.stage).toBe('FAILED');
    expect(j.state.timeline.find((t) => t.event === 'failed')?.detail).toBe(QA_REJECTED);
  });

  it('a QA rejection with its texts in place (older histories, the twin) records and fails with them as before', () => {
    const j = awaitingQa();
    const before = j.state;
    const disposed = j.send({ type: 'qa-disposition', decision: { decision: 'reject', signer, meaning: 'rejected: sterility', reason: 'sterility' } }).events.find((e) => e.type === 'qa-disposed')!;
    expect(custodyRecordOf(disposed, before)).toMatchObject({ meaning: 'rejected: sterility', data: { decision: 'reject', reason: 'sterility' } });
    expect(j.state.timeline.find((t) => t.event === 'failed')?.detail).toBe(`${QA_REJECTED}: sterility`);
  });

  it('a QA disposition without a meaning, or a rejection without a reason, in either form, is refused naming the field', () => {
    const noMeaning = awaitingQa().send({ type: 'qa-disposition', decision: { decision: 'release', signer } });
    expect(noMeaning.refusal?.message).toMatch(/meaning/);
    const noReason = awaitingQa().send({ type: 'qa-disposition', decision: { decision: 'reject', signer, meaningRef } });
    expect(noReason.refusal?.message).toMatch(/reason/);
  });

  it("an assessment by reference records the impact's meaning and the reference", () => {
    const j = holdingDeviation();
    const issueId = j.state.issues[0]!.id;
    const before = j.state;
    const assessed = j.send({ type: 'assess', assessment: { excursionId: issueId, impact: 'quarantine', signer, meaningRef } }).events.find((e) => e.type === 'issue-assessed')!;
    expect(assessed).not.toHaveProperty('meaning');
    expect(custodyRecordOf(assessed, before)).toMatchObject({ kind: 'excursion-assessment', meaning: 'quarantined: conditional release only', data: { issueId, impact: 'quarantine', meaningRef } });
    expect(j.state.quarantined).toBe(true);
    expect(holdingDeviation().send({ type: 'assess', assessment: { excursionId: issueId, impact: 'none', signer } }).refusal?.message).toMatch(/meaning/);
  });
});
