import { describe, expect, it } from 'vitest';
import { chainOn, Journey, journeyInput } from './journey-fixtures.js';

const CHAIN = chainOn('2027-01-11');
const chained = () => new Journey(journeyInput(undefined, { chain: CHAIN }));
const types = (d: { events: { type: string }[] }) => d.events.map((e) => e.type);
const lineDown = (chain: ReturnType<typeof chainOn> | null, from = 1) => ({ type: 'chain-moved' as const, move: { from, chain, why: 'line down' } });

describe('a disruption moves a booked chain (decider)', () => {
  it('a line down moves the booked chain before collection, with a timeline note of what moved; told again, nothing changes', () => {
    const j = chained();
    j.milestone('apheresis-scheduled');
    expect(j.state.stage).toBe('APHERESIS_SCHEDULED');
    const next = chainOn('2027-01-14', 2);
    expect(types(j.send(lineDown(next)))).toEqual(['chain-moved']);
    expect(j.state.chain).toEqual({ status: 'held', current: next });
    expect(j.state.timeline.at(-1)).toMatchObject({ event: 'chain-replanned', detail: 'chain re-planned (line down): collection 2027-01-11 → 2027-01-14' });
    const after = j.state;
    expect(types(j.send(lineDown(next)))).toEqual([]);
    expect(j.state).toBe(after);
  });

  it('with no chain left the batch waits for the allocator, then takes the chain it gives', () => {
    const j = chained();
    expect(types(j.send(lineDown(null)))).toEqual(['chain-moved']);
    expect(j.awaiting).toMatchObject({ kind: 'chain', status: 'waitlisted' });
    expect(j.state.timeline.at(-1)).toMatchObject({ detail: 'chain re-planned (line down): collection 2027-01-11 → now waiting' });
    expect(j.scan('collection').refusal?.code).toBe('ERR_OUT_OF_TURN');
    expect(types(j.send(lineDown(null)))).toEqual([]);
    expect(types(j.send({ type: 'chain-allocated', chain: chainOn('2027-02-01', 3) }))).toEqual(['chain-allocated']);
  });

  it('a newer chain-allocated version replaces a booked chain; an older or the same one does not', () => {
    const j = chained();
    expect(types(j.send({ type: 'chain-allocated', chain: CHAIN }))).toEqual([]);
    const next = chainOn('2027-01-20', 2);
    expect(types(j.send({ type: 'chain-allocated', chain: next }))).toEqual(['chain-moved']);
    expect(j.state.chain?.current).toEqual(next);
    // The move that superseded version 1, told late, does not undo the newer chain.
    expect(types(j.send(lineDown(chainOn('2027-01-14', 2))))).toEqual([]);
    expect(j.state.chain?.current).toEqual(next);
  });

  it('a batch past collection keeps its chain', () => {
    const j = chained();
    j.milestone('apheresis-scheduled');
    j.drive((x) => x.state.stage === 'COLLECTED');
    expect(j.state.stage).toBe('COLLECTED');
    expect(types(j.send(lineDown(chainOn('2027-01-14', 2))))).toEqual([]);
    expect(types(j.send({ type: 'chain-allocated', chain: chainOn('2027-01-14', 2) }))).toEqual([]);
    expect(j.state.chain?.current).toEqual(CHAIN);
  });

  it('a malformed move is refused, naming the field', () => {
    const j = chained();
    const d = j.send({ type: 'chain-moved', move: { from: 0, chain: null, why: 'line down' } });
    expect(d.refusal).toMatchObject({ code: 'ERR_VALIDATION', message: expect.stringContaining('from') });
    expect(j.state.chain?.current).toEqual(CHAIN);
  });
});

describe('a move told while a slip re-plans the chain (decider)', () => {
  it('the answer takes the newer of its chain and the moved one, whichever committed last', () => {
    // The move committed after the slip's re-plan: it moved the answer's chain (v2 → v3).
    const late = chained();
    late.milestone('apheresis-scheduled', { proposedDay: '2027-01-14' });
    const moved = chainOn('2027-01-16', 3);
    expect(types(late.send(lineDown(moved, 2)))).toEqual(['chain-moved']);
    expect(late.awaiting).toMatchObject({ kind: 'chain', status: 'replanning' });
    late.send({ type: 'chain-answer', chain: chainOn('2027-01-14', 2) });
    expect(late.state.chain).toEqual({ status: 'held', current: moved });
    // The move committed first: the slip's re-plan superseded the moved chain (v2 → v3).
    const early = chained();
    early.milestone('apheresis-scheduled', { proposedDay: '2027-01-14' });
    early.send(lineDown(chainOn('2027-01-12', 2)));
    const answer = chainOn('2027-01-14', 3);
    early.send({ type: 'chain-answer', chain: answer });
    expect(early.state.chain).toEqual({ status: 'held', current: answer });
  });
});
