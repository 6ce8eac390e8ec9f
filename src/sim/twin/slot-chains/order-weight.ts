import { DAY_MS } from '../../../domain/durations.js';
import type { AllocationPolicy, UrgencyTier } from '../../../domain/planning/policy.js';

export interface WeighedOrder {
  tier: UrgencyTier;
  orderedAt: number;
  treatmentCenterId: string;
}

/** Chains booked recently, per treatment centre: what fair share counts. */
export interface RecentAllocations {
  /** Allocations inside the policy's window, per centre, and their total. */
  byCentre: ReadonlyMap<string, number>;
  total: number;
  centres: number;
}

/**
 * What one day of this patient's wait costs under the policy, as the rules in policy.ts describe:
 * urgency multiplies by the tier's weight, ageing adds per week already waited, fair share holds
 * back a centre above its share of the recent allocations. First-come alone weighs every order 1,
 * so the planner's tie-break (the earlier order) decides.
 */
export function orderWeight(policy: AllocationPolicy, order: WeighedOrder, now: number, recent: RecentAllocations): number {
  let weight = 1;
  if (policy.rules.includes('urgency')) weight *= policy.urgencyWeights[order.tier];
  if (policy.rules.includes('ageing')) weight += (policy.ageingPerWeek * Math.max(0, now - order.orderedAt)) / (7 * DAY_MS);
  if (policy.rules.includes('fair-share') && recent.total > 0 && recent.centres > 0) {
    const share = (recent.byCentre.get(order.treatmentCenterId) ?? 0) / recent.total;
    const fair = 1 / recent.centres;
    if (share > fair) weight *= 1 - policy.fairShareStrength * ((share - fair) / share);
  }
  return Math.max(weight, 1e-6);
}
