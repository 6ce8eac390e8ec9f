import { describe, expect, it } from 'vitest';
import { greedyPlan } from '../../../src/domain/planning/greedy.js';
import type { WaitlistEntry } from '../../../src/domain/planning/weights.js';
import { rankWaitlist } from '../../../src/domain/planning/weights.js';
import { BUILT_IN_POLICIES } from '../../../src/domain/planning/policies.js';
import { passedOverFor } from '../../../src/planning/waitlist/passed-over.js';
import type { RankedWaiting } from '../../../src/planning/waitlist/ranked-waitlist.js';
import { datedChain, waitlistProblem } from '../../../src/planning/waitlist/waitlist-problem.js';

const firstCome = BUILT_IN_POLICIES.find((p) => p.id === 'first-come')!;
const START = '2026-12-07';
const at = (hours: number) => new Date(Date.parse(`${START}T00:00:00Z`) - 3 * 86_400_000 + hours * 3_600_000);
const route = { facilityId: 'fac', arrivalDays: 1, lineDays: 5, infusionDays: 2 };
/** One line, one chain in the horizon: the whole point of a waitlist. */
const capacity = { horizonDays: 10, collections: { aph: Array(10).fill(1) }, lines: { fac: Array(10).fill(1) }, chairs: { tc: Array(10).fill(1) } };

/** Entries enrolled the same day, hours apart, ranked by the domain's rule. */
function ranked(ids: string[]): RankedWaiting[] {
  const entries = ids.map((id, i) => ({ batchId: id, treatmentCenterId: 'tc', apheresisCenterId: 'aph', productId: 'p', enrolledAt: at(18 + i), earliestCollectionDay: null, state: 'waiting' as const, allocatedAt: null }));
  const facts = (id: string): WaitlistEntry => ({ orderId: id, orderedAt: entries.find((e) => e.batchId === id)!.enrolledAt.getTime(), facts: { tier: 'standard', daysWaited: 3, treatmentCenterId: 'tc', recentAllocationsByCentre: {}, centreCount: 1 } });
  return rankWaitlist(firstCome, ids.map(facts)).map((rank) => ({ entry: entries.find((e) => e.batchId === rank.orderId)!, rank, tier: 'standard', waitedDays: 3 }));
}

describe('the waitlist as a planning problem', () => {
  it('gives the one chain to the first in rank even when every entry came the same day (the tie-break is the rank’s)', () => {
    // Ids sort the other way round from arrival: a day-granular tie-break would pick "a".
    const list = ranked(['z', 'm', 'a']);
    expect(list.map((r) => r.entry.batchId)).toEqual(['z', 'm', 'a']);
    const plan = greedyPlan(waitlistProblem(list, capacity, START, () => [route]));
    expect(plan.assignments.map((a) => a.orderId)).toEqual(['z']);
    expect(datedChain(START, plan.assignments[0]!)).toEqual({ facilityId: 'fac', collectionDay: '2026-12-07', lineStartDay: '2026-12-08', lineEndDay: '2026-12-13', infusionDay: '2026-12-15' });
  });

  it('names those ranked ahead that no chain fits, and those behind, never those who got their own chain', () => {
    const list = ranked(['z', 'm', 'a']);
    const chainOf = new Map([['m', {}]]);
    const passed = passedOverFor(list[1]!, list, chainOf);
    expect(passed.map((p) => [p.batchId, p.position])).toEqual([['z', 1], ['a', 3]]);
    expect(passed[0]!.why).toMatch(/^ranked ahead/);
    expect(passed[1]!.why).toMatch(/^ranked behind/);
  });
});
