import { describe, expect, it } from 'vitest';
import { chainMoves } from '../../src/api/scheduling/chain-replans.js';
import type { slotChains } from '../../src/db/schema/index.js';

/** What moved between two versions of a chain: only the steps that changed, in journey order. */
type Chain = typeof slotChains.$inferSelect;
const chain = (over: Partial<Chain>): Chain => ({
  id: 'c', batchId: 'b', version: 1, facilityId: 'fac-a', collectionDay: '2027-03-01', lineStartDay: '2027-03-02', lineEndDay: '2027-03-16', infusionDay: '2027-03-22',
  collectionBookingId: null, manufacturingSlotId: null, state: 'superseded', reason: 'enrolment', createdAt: new Date(0), ...over,
});

describe('chainMoves', () => {
  it('names each step that moved, from and to, and leaves out what stayed', () => {
    const before = chain({});
    const after = chain({ version: 2, collectionDay: '2027-03-08', lineStartDay: '2027-03-09', lineEndDay: '2027-03-23', infusionDay: '2027-03-29' });
    expect(chainMoves(before, after, { before: 'line-1', after: 'line-1' })).toEqual([
      { step: 'collection', from: '2027-03-01', to: '2027-03-08' },
      { step: 'line-start', from: '2027-03-02', to: '2027-03-09' },
      { step: 'infusion', from: '2027-03-22', to: '2027-03-29' },
    ]);
  });

  it('sees a move to another facility or another line on the same days', () => {
    expect(chainMoves(chain({}), chain({ version: 2, facilityId: 'fac-b' }), { before: 'line-1', after: 'line-2' })).toEqual([
      { step: 'facility', from: 'fac-a', to: 'fac-b' },
      { step: 'line', from: 'line-1', to: 'line-2' },
    ]);
  });

  it('finds nothing moved when only the capacity rows were booked again', () => {
    expect(chainMoves(chain({}), chain({ version: 2 }), { before: 'line-1', after: 'line-1' })).toEqual([]);
  });
});
