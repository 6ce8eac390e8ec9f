import { describe, expect, it } from 'vitest';
import { describeChange, diffPlans } from '../../../src/domain/planning/plan-diff.js';
import type { ChainAssignment, Plan } from '../../../src/domain/planning/problem.js';

const chain = (orderId: string, collectionDay: number, facilityId = 'fac-a'): ChainAssignment => ({
  orderId, collectionDay, facilityId, lineStartDay: collectionDay + 1, lineEndDay: collectionDay + 4, infusionDay: collectionDay + 6,
});
const plan = (assignments: ChainAssignment[], waiting: string[]): Plan => ({ assignments, waiting, objective: 0, solver: 'greedy', optimal: false });

describe('diffPlans', () => {
  it('says what moved, by how many days, what gained a chain, what lost one and what left', () => {
    const before = plan([chain('same', 0), chain('later', 1), chain('earlier', 5), chain('lost', 2), chain('other-site', 3), chain('done', 0)], ['gained', 'still']);
    const after = plan([chain('same', 0), chain('later', 4), chain('earlier', 2), chain('gained', 6), chain('other-site', 3, 'fac-b')], ['lost', 'still']);
    expect(diffPlans(before, after)).toEqual([
      { kind: 'gone', orderId: 'done', from: { collectionDay: 0, facilityId: 'fac-a', lineStartDay: 1, lineEndDay: 4, infusionDay: 6 } },
      { kind: 'moved', orderId: 'earlier', from: expect.objectContaining({ infusionDay: 11 }), to: expect.objectContaining({ infusionDay: 8 }), infusionShiftDays: -3 },
      { kind: 'newly-planned', orderId: 'gained', to: expect.objectContaining({ infusionDay: 12 }) },
      { kind: 'moved', orderId: 'later', from: expect.objectContaining({ infusionDay: 7 }), to: expect.objectContaining({ infusionDay: 10 }), infusionShiftDays: 3 },
      { kind: 'now-waiting', orderId: 'lost', from: expect.objectContaining({ infusionDay: 8 }) },
      { kind: 'moved', orderId: 'other-site', from: expect.objectContaining({ facilityId: 'fac-a' }), to: expect.objectContaining({ facilityId: 'fac-b' }), infusionShiftDays: 0 },
    ]);
  });

  it('finds nothing between a plan and itself', () => {
    const p = plan([chain('a', 0), chain('b', 2)], ['c']);
    expect(diffPlans(p, p)).toEqual([]);
  });

  it('words each change for an alert', () => {
    const [later, lost] = diffPlans(plan([chain('o-7', 6), chain('o-8', 0)], []), plan([chain('o-7', 9, 'fac-b')], ['o-8']));
    expect(describeChange(later!)).toBe('o-7: infusion day 12 → 15 (3 days later) at fac-b');
    expect(describeChange(lost!)).toBe('o-8: lost its chain (was infusion day 6 at fac-a); waiting');
  });

  it("words a change in calendar dates, collection days included, given the plan's dates", () => {
    const [later, lost] = diffPlans(plan([chain('o-7', 6), chain('o-8', 0)], []), plan([chain('o-7', 9, 'fac-b')], ['o-8']));
    const dateOf = (day: number) => `2027-01-${String(11 + day).padStart(2, '0')}`;
    expect(describeChange(later!, dateOf)).toBe('o-7: collection 2027-01-17 → 2027-01-20, infusion 2027-01-23 → 2027-01-26 (3 days later) at fac-b');
    expect(describeChange(lost!, dateOf)).toBe('o-8: lost its chain (was infusion 2027-01-17 at fac-a); waiting');
  });
});
