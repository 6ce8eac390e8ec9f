import type { AllocationPolicy, UrgencyTier } from './policy.js';

/** What the policy weighs about one waiting order; nothing here identifies the patient. */
export interface OrderFacts {
  tier: UrgencyTier;
  /** Whole days since the order was placed. */
  daysWaited: number;
  treatmentCenterId: string;
  /** Allocations each treatment centre received in the policy's fair-share window. */
  recentAllocationsByCentre: Readonly<Record<string, number>>;
  /** How many treatment centres share the capacity (the fair share is 1 / centreCount). */
  centreCount: number;
}

export interface OrderWeight {
  weight: number;
  /** Each rule that changed the weight, in the order applied, e.g. "urgent ×3", "waited 3 weeks +0.6". */
  reasons: string[];
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const pct = (x: number) => `${Math.round(x * 100)} %`;

/**
 * One order's weight: the cost of one more day of its wait. Starting at 1, the rules apply in a fixed
 * order whatever order the policy lists them in — urgency multiplies, ageing adds per whole week
 * waited (after urgency, so an old standard order can catch up with a young urgent one but the tier
 * still counts), fair-share divides last — so a weight is recomputable from the policy and the facts.
 * Fair-share holds a centre back by 1 / (1 + strength × (share / fairShare − 1)) when its share of
 * recent allocations is above 1 / centreCount: always positive, 1 at or below the fair share.
 */
export function orderWeight(policy: AllocationPolicy, facts: OrderFacts): OrderWeight {
  const rules = new Set(policy.rules);
  let weight = 1;
  const reasons: string[] = [];
  if (rules.has('urgency')) {
    const factor = policy.urgencyWeights[facts.tier];
    weight *= factor;
    if (factor !== 1) reasons.push(`${facts.tier} ×${round(factor)}`);
  }
  if (rules.has('ageing')) {
    const weeks = Math.floor(Math.max(0, facts.daysWaited) / 7);
    const added = weeks * policy.ageingPerWeek;
    weight += added;
    if (added > 0) reasons.push(`waited ${weeks} week${weeks === 1 ? '' : 's'} +${round(added)}`);
  }
  if (rules.has('fair-share') && facts.centreCount > 1) {
    const total = Object.values(facts.recentAllocationsByCentre).reduce((s, n) => s + Math.max(0, n), 0);
    const mine = Math.max(0, facts.recentAllocationsByCentre[facts.treatmentCenterId] ?? 0);
    const share = total > 0 ? mine / total : 0;
    const fair = 1 / facts.centreCount;
    if (share > fair && policy.fairShareStrength > 0) {
      const factor = 1 / (1 + policy.fairShareStrength * (share / fair - 1));
      weight *= factor;
      reasons.push(`centre had ${pct(share)} of ${total} recent allocations (fair share ${pct(fair)}) ×${round(factor)}`);
    }
  }
  if (reasons.length === 0) reasons.push(rules.has('first-come') && rules.size === 1 ? 'first come, first served' : 'no rule applied: weight 1');
  return { weight, reasons };
}

export interface WaitlistEntry {
  orderId: string;
  /** When the order was placed (plan day or epoch ms — any number that orders entries in time). */
  orderedAt: number;
  facts: OrderFacts;
}

export interface RankedEntry {
  orderId: string;
  /** 1 = next to be allocated. */
  position: number;
  weight: number;
  reasons: string[];
  /** The rule that placed it, for the coordinator: the weight's reasons, and the tie-break when the weight tied. */
  rule: string;
}

/**
 * The waitlist in allocation order: heavier first; equal weights go to the earlier order, then the
 * order id (so the list is total and repeatable). Each entry says why it stands where it does.
 */
export function rankWaitlist(policy: AllocationPolicy, entries: readonly WaitlistEntry[]): RankedEntry[] {
  const weighed = entries.map((e) => ({ entry: e, ...orderWeight(policy, e.facts) }));
  weighed.sort((a, b) => b.weight - a.weight || a.entry.orderedAt - b.entry.orderedAt || (a.entry.orderId < b.entry.orderId ? -1 : a.entry.orderId > b.entry.orderId ? 1 : 0));
  return weighed.map((w, i) => {
    const tied = weighed.some((other, j) => j !== i && other.weight === w.weight);
    const rule = [...w.reasons, ...(tied ? ['equal weight: earlier order first'] : [])].join('; ');
    return { orderId: w.entry.orderId, position: i + 1, weight: round(w.weight, 4), reasons: w.reasons, rule };
  });
}
