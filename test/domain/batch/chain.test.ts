import { describe, expect, it } from 'vitest';
import { compensation } from '../../../src/domain/batch/index.js';
import { milestoneRequestSchema } from '../../../src/domain/commands.js';
import { chainOn, Journey, journeyInput, QA } from './journey-fixtures.js';

const CHAIN = chainOn('2027-01-11');
const chained = () => new Journey(journeyInput(undefined, { chain: CHAIN }));
const types = (d: { events: { type: string }[] }) => d.events.map((e) => e.type);
const scheduled = (j: Journey, data?: Record<string, unknown>) => j.milestone('apheresis-scheduled', data);

describe('a batch holding a slot chain (decider)', () => {
  it("the apheresis centre confirms the chain's day: the batch is scheduled, and at receipt the line held ahead is confirmed, not requested", () => {
    const j = chained();
    expect(j.state.chain).toEqual({ status: 'held', current: CHAIN });
    expect(types(scheduled(j, { collectionDay: CHAIN.collectionDay }))).toEqual(['milestone-reported', 'milestone-reached', 'stage-changed']);
    j.grantLines = false;
    j.drive((x) => x.state.stage === 'RECEIVED_AT_FACILITY');
    expect(j.events.filter((e) => e.type === 'slot-requested')).toEqual([]);
    expect(j.events.at(-1)).toMatchObject({ type: 'line-confirm-requested' });
    expect(j.state.slot).toEqual({ state: 'confirming' });
    expect(types(j.answerSlot(true))).toEqual(['slot-reserved']);
    j.grantLines = true;
    j.drive((x) => x.state.stage === 'MANUFACTURING');
    expect(j.state.stage).toBe('MANUFACTURING');
  });

  it('a line lost at receipt falls back to asking for a free line, with a timeline note and no deviation', () => {
    const j = chained();
    j.grantLines = false;
    j.drive((x) => x.state.slot.state === 'confirming');
    expect(types(j.answerSlot(false))).toEqual(['chain-line-lost', 'slot-requested']);
    expect(j.state.slot).toEqual({ state: 'requested' });
    expect(j.state.timeline.at(-1)).toMatchObject({ event: 'chain-line-lost' });
    expect(j.state.issues).toEqual([]);
    expect(types(j.answerSlot(false))).toEqual(['slot-refused']);
  });

  it('a proposed day re-plans the chain; the batch waits for it, then the centre confirms the new day', () => {
    const j = chained();
    expect(types(scheduled(j, { proposedDay: '2027-01-14' }))).toEqual(['chain-replan-requested']);
    expect(j.state.stage).toBe('ORDERED');
    expect(j.awaiting).toMatchObject({ kind: 'chain', status: 'replanning' });
    // While it is re-planned, nothing is confirmed or collected.
    expect(types(scheduled(j))).toEqual([]);
    expect(j.scan('collection').refusal?.code).toBe('ERR_OUT_OF_TURN');
    const next = chainOn('2027-01-14', 2);
    expect(types(j.send({ type: 'chain-answer', chain: next }))).toEqual(['chain-replanned']);
    expect(j.state.chain).toEqual({ status: 'held', current: next });
    expect(j.state.timeline.at(-1)).toMatchObject({ event: 'chain-replanned', detail: 'chain re-planned: collection 2027-01-11 → 2027-01-14' });
    expect(j.awaiting).toEqual({ kind: 'milestone', milestone: 'apheresis-scheduled' });
    expect(types(scheduled(j))).toEqual(['milestone-reported', 'milestone-reached', 'stage-changed']);
  });

  it('a day proposed while the batch is held is still a proposal: after the hold, the batch waits for the new chain', () => {
    const j = chained();
    j.send({ type: 'excursion', change: { excursionId: 'x1', change: 'opened', kind: 'excursion', deviceId: 'd', at: j.iso() } });
    expect(j.state.stage).toBe('ON_HOLD');
    expect(types(scheduled(j, { proposedDay: '2027-01-14' }))).toEqual(['chain-replan-requested']);
    j.send({ type: 'assess', assessment: { excursionId: 'x1', impact: 'none', signer: QA, meaning: 'no impact' } });
    expect(j.state.stage).toBe('ORDERED');
    expect(j.awaiting).toMatchObject({ kind: 'chain', status: 'replanning' });
  });

  it('a malformed proposed day is refused, naming the field and the rule, and changes nothing', () => {
    const j = chained();
    const before = j.state;
    const d = scheduled(j, { proposedDay: '2027-02-30' });
    expect(d.refusal).toMatchObject({ code: 'ERR_VALIDATION', message: expect.stringContaining('data.proposedDay') });
    expect(j.state).toBe(before);
    // The API refuses it at the edge, with the same schema.
    const body = milestoneRequestSchema.safeParse({ milestone: 'collection-rescheduled', at: '2027-01-05T09:00:00Z', data: { proposedDay: 'next monday' } });
    expect(body.success).toBe(false);
    expect(body.error?.issues.map((i) => i.path.join('.'))).toEqual(['data.proposedDay']);
  });

  it('a slip after scheduling re-plans; with no chain left the batch is waitlisted until the allocator gives it one', () => {
    const j = chained();
    scheduled(j);
    expect(j.state.stage).toBe('APHERESIS_SCHEDULED');
    expect(types(j.milestone('collection-rescheduled', { proposedDay: '2027-01-20' }))).toEqual(['chain-replan-requested']);
    expect(types(j.send({ type: 'chain-answer' }))).toEqual(['chain-waitlisted']);
    expect(j.awaiting).toMatchObject({ kind: 'chain', status: 'waitlisted' });
    expect(j.scan('collection').refusal?.code).toBe('ERR_OUT_OF_TURN');
    const given = chainOn('2027-02-01', 3);
    expect(types(j.send({ type: 'chain-allocated', chain: given }))).toEqual(['chain-allocated']);
    // The allocator's signal again (a redelivery) changes nothing.
    const after = j.state;
    expect(types(j.send({ type: 'chain-allocated', chain: given }))).toEqual([]);
    expect(j.state).toBe(after);
    expect(j.awaiting).toEqual({ kind: 'handoff', step: 'collection' });
    expect(j.scan('collection').refusal).toBeUndefined();
  });

  it('a batch enrolled on the waitlist stays ORDERED, ignores a scheduling report, and refuses a malformed chain', () => {
    const j = new Journey(journeyInput(undefined, { waitlisted: true }));
    expect(j.awaiting).toMatchObject({ kind: 'chain', status: 'waitlisted' });
    expect(types(scheduled(j))).toEqual([]);
    expect(j.send({ type: 'chain-allocated', chain: { ...CHAIN, lineEndDay: CHAIN.collectionDay } }).refusal?.code).toBe('ERR_VALIDATION');
    expect(types(j.send({ type: 'chain-allocated', chain: CHAIN }))).toEqual(['chain-allocated']);
    expect(j.awaiting).toEqual({ kind: 'milestone', milestone: 'apheresis-scheduled' });
    scheduled(j);
    expect(j.state.stage).toBe('APHERESIS_SCHEDULED');
  });

  it('a failure releases the chain; the re-collection plans a new one from the day the centre names', () => {
    const j = chained();
    j.drive((x) => x.state.stage === 'MANUFACTURING');
    const failed = j.milestone('manufacturing-failed');
    expect(types(failed)).toEqual(expect.arrayContaining(['batch-failed', 'slot-released', 'chain-released']));
    expect(j.state.chain?.status).toBe('released');
    const d = j.milestone('recollection-scheduled', { proposedDay: '2027-03-01' });
    expect(types(d)).toEqual(['milestone-reported', 'milestone-reached', 'recollection-started', 'chain-replan-requested', 'stage-changed']);
    expect(d.events.find((e) => e.type === 'chain-replan-requested')).toMatchObject({ earliestDay: '2027-03-01', reason: 're-collection 2 (re-plan 1)' });
    expect(j.awaiting).toMatchObject({ kind: 'chain', status: 'replanning' });
    j.send({ type: 'chain-answer', chain: chainOn('2027-03-01', 2) });
    expect(j.awaiting).toEqual({ kind: 'handoff', step: 'collection' });
  });

  it('cancelling gives the chain back (or the waitlist place), with the line and the legs', () => {
    const j = chained();
    expect(compensation(j.state)).toMatchObject({ releaseChain: true, releaseSlot: false });
    expect(types(j.send({ type: 'cancel', command: { reason: 'withdrawn', actor: QA } }))).toEqual(['cancellation-requested', 'chain-released', 'stage-changed']);
    expect(j.state.chain?.status).toBe('released');
    const w = new Journey(journeyInput(undefined, { waitlisted: true }));
    expect(types(w.send({ type: 'cancel', command: { reason: 'withdrawn', actor: QA } }))).toContain('chain-released');
  });

  it('a batch without a chain ignores a reschedule and asks for a line at receipt, as before', () => {
    const j = new Journey();
    expect(j.state.chain).toBeUndefined();
    expect(types(j.milestone('collection-rescheduled', { proposedDay: '2027-01-20' }))).toEqual([]);
    j.grantLines = false;
    j.drive((x) => x.state.stage === 'RECEIVED_AT_FACILITY');
    expect(j.events.at(-1)).toMatchObject({ type: 'slot-requested' });
    expect(compensation(j.state).releaseChain).toBe(false);
  });
});
