import { allocationPolicySchema, type AllocationPolicy } from './policy.js';

/**
 * The built-in allocation policies, versioned. A published version is never edited: a change is a
 * new version, so an allocation's recorded (id, version) always recomputes the same weights.
 * Each is parsed through the schema here, so a bad constant fails at load, not at the first allocation.
 */
const NEUTRAL = { urgencyWeights: { standard: 1, urgent: 1, critical: 1 }, ageingPerWeek: 0, fairShareWindowDays: 90, fairShareStrength: 0 };
const TIERED = { standard: 1, urgent: 3, critical: 10 };

export const BUILT_IN_POLICIES: readonly AllocationPolicy[] = [
  { id: 'first-come', version: 1, rules: ['first-come'], ...NEUTRAL },
  { id: 'urgency', version: 1, rules: ['urgency'], ...NEUTRAL, urgencyWeights: TIERED },
  { id: 'ageing', version: 1, rules: ['ageing'], ...NEUTRAL, ageingPerWeek: 0.2 },
  { id: 'fair-share', version: 1, rules: ['fair-share'], ...NEUTRAL, fairShareStrength: 0.5 },
  {
    id: 'urgency-ageing-fair-share',
    version: 1,
    rules: ['urgency', 'ageing', 'fair-share'],
    urgencyWeights: TIERED,
    ageingPerWeek: 0.2,
    fairShareWindowDays: 90,
    fairShareStrength: 0.5,
  },
].map((p) => Object.freeze(allocationPolicySchema.parse(p)));

/** A built-in policy by id and version (the newest when no version is given), or undefined. */
export function builtInPolicy(id: string, version?: number): AllocationPolicy | undefined {
  const matching = BUILT_IN_POLICIES.filter((p) => p.id === id && (version === undefined || p.version === version));
  return matching.sort((a, b) => b.version - a.version)[0];
}

export const DEFAULT_POLICY_ID = 'first-come';
