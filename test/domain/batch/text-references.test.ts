import { describe, expect, it } from 'vitest';
import { custodyRecordOf } from '../../../src/domain/batch/index.js';
import { milestoneFacts } from '../../../src/domain/command-text.js';
import { Journey } from './journey-fixtures.js';

const actor = { name: 'Dr. T', role: 'physician' };
const reasonRef = { id: '0f8fad5b-d9cb-869f-a165-70867728950e', sha256: 'a'.repeat(64) };

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
});
