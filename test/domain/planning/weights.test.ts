import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICIES, builtInPolicy } from '../../../src/domain/planning/policies.js';
import { allocationPolicySchema } from '../../../src/domain/planning/policy.js';
import { orderWeight, rankWaitlist, type OrderFacts } from '../../../src/domain/planning/weights.js';

const facts = (over: Partial<OrderFacts> = {}): OrderFacts => ({
  tier: 'standard',
  daysWaited: 0,
  treatmentCenterId: 'tc-1',
  recentAllocationsByCentre: {},
  centreCount: 4,
  ...over,
});
const policy = (id: string) => builtInPolicy(id)!;

describe('orderWeight', () => {
  it('weighs every order 1 under first-come, whatever its tier or wait', () => {
    expect(orderWeight(policy('first-come'), facts({ tier: 'critical', daysWaited: 40 }))).toEqual({ weight: 1, reasons: ['first come, first served'] });
  });

  it('multiplies by the tier under urgency, and says so', () => {
    expect(orderWeight(policy('urgency'), facts({ tier: 'urgent' }))).toEqual({ weight: 3, reasons: ['urgent ×3'] });
    expect(orderWeight(policy('urgency'), facts({ tier: 'standard' })).weight).toBe(1);
  });

  it('adds per whole week waited under ageing', () => {
    expect(orderWeight(policy('ageing'), facts({ daysWaited: 6 })).weight).toBe(1);
    expect(orderWeight(policy('ageing'), facts({ daysWaited: 21 }))).toEqual({ weight: 1.6, reasons: ['waited 3 weeks +0.6'] });
  });

  it('holds back a centre above its fair share, and only that centre', () => {
    const recent = { 'tc-1': 6, 'tc-2': 2, 'tc-3': 1, 'tc-4': 1 };
    const above = orderWeight(policy('fair-share'), facts({ recentAllocationsByCentre: recent }));
    // share 60 % vs fair 25 %: 1 / (1 + 0.5 × (2.4 − 1)) = 0.588…
    expect(above.weight).toBeCloseTo(1 / 1.7, 9);
    expect(above.reasons[0]).toMatch(/centre had 60 % of 10 recent allocations \(fair share 25 %\) ×0\.59/);
    expect(orderWeight(policy('fair-share'), facts({ treatmentCenterId: 'tc-3', recentAllocationsByCentre: recent })).weight).toBe(1);
  });

  it('applies urgency, then ageing, then fair share, whatever order the policy lists them in', () => {
    const combined = policy('urgency-ageing-fair-share');
    const f = facts({ tier: 'urgent', daysWaited: 14, recentAllocationsByCentre: { 'tc-1': 1, 'tc-2': 1 }, centreCount: 2 });
    const reversed = allocationPolicySchema.parse({ ...combined, id: 'reversed', rules: ['fair-share', 'ageing', 'urgency'] });
    expect(orderWeight(combined, f)).toEqual({ weight: 3.4, reasons: ['urgent ×3', 'waited 2 weeks +0.4'] });
    expect(orderWeight(reversed, f)).toEqual(orderWeight(combined, f));
  });

  it('keeps every weight positive, even a centre holding every recent allocation at full strength', () => {
    const strict = allocationPolicySchema.parse({ ...policy('fair-share'), id: 'strict', fairShareStrength: 1 });
    expect(orderWeight(strict, facts({ recentAllocationsByCentre: { 'tc-1': 50 } })).weight).toBeGreaterThan(0);
  });
});

describe('rankWaitlist', () => {
  it('puts the heaviest first and says why each stands where it does', () => {
    const ranked = rankWaitlist(policy('urgency-ageing-fair-share'), [
      { orderId: 'a', orderedAt: 10, facts: facts() },
      { orderId: 'b', orderedAt: 5, facts: facts({ tier: 'urgent', daysWaited: 21 }) },
      { orderId: 'c', orderedAt: 1, facts: facts({ daysWaited: 70 }) },
    ]);
    expect(ranked.map((r) => [r.orderId, r.position, r.weight])).toEqual([['b', 1, 3.6], ['c', 2, 3], ['a', 3, 1]]);
    expect(ranked[0]!.rule).toBe('urgent ×3; waited 3 weeks +0.6');
    expect(ranked[1]!.rule).toBe('waited 10 weeks +2');
  });

  it('breaks equal weights by the earlier order, then the id, and names the tie-break', () => {
    const ranked = rankWaitlist(policy('first-come'), [
      { orderId: 'late', orderedAt: 9, facts: facts() },
      { orderId: 'b', orderedAt: 3, facts: facts() },
      { orderId: 'a', orderedAt: 3, facts: facts() },
    ]);
    expect(ranked.map((r) => r.orderId)).toEqual(['a', 'b', 'late']);
    expect(ranked[0]!.rule).toBe('first come, first served; equal weight: earlier order first');
  });
});

describe('the built-in policies', () => {
  it('are valid, versioned, and one per (id, version)', () => {
    for (const p of BUILT_IN_POLICIES) expect(allocationPolicySchema.parse(p)).toEqual(p);
    const keys = BUILT_IN_POLICIES.map((p) => `${p.id}@${p.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['first-come@1', 'urgency@1', 'ageing@1', 'fair-share@1', 'urgency-ageing-fair-share@1']));
  });

  it('are found by id and version, and cannot be edited', () => {
    expect(builtInPolicy('urgency', 1)?.rules).toEqual(['urgency']);
    expect(builtInPolicy('urgency', 2)).toBeUndefined();
    expect(builtInPolicy('nobody')).toBeUndefined();
    expect(Object.isFrozen(builtInPolicy('urgency'))).toBe(true);
  });
});
