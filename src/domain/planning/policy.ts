import { z } from 'zod';

/** The treating physician's clinical urgency, set with a signed justification (Part 11). */
export const URGENCY_TIERS = ['standard', 'urgent', 'critical'] as const;
export type UrgencyTier = (typeof URGENCY_TIERS)[number];

/**
 * What decides who waits: configuration, versioned, never code. Every allocation records the
 * policy's id and version, so an auditor can recompute why one patient went before another.
 *  - `first-come`: every order weighs the same; ties go to the earlier order.
 *  - `urgency`: a tier multiplies the weight.
 *  - `ageing`: each week already waited adds to the weight, so nobody waits for ever.
 *  - `fair-share`: a treatment centre above its share of recent allocations weighs less.
 */
export const ALLOCATION_RULES = ['first-come', 'urgency', 'ageing', 'fair-share'] as const;
export type AllocationRule = (typeof ALLOCATION_RULES)[number];

/** The largest weight a policy may give (a tier, or ageing per week). */
const MAX_WEIGHT = 1000;
const tierWeight = z.number().positive().max(MAX_WEIGHT);

export const allocationPolicySchema = z
  .object({
    id: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes'),
    version: z.number().int().positive().max(1_000_000),
    rules: z.array(z.enum(ALLOCATION_RULES)).min(1).refine((r) => new Set(r).size === r.length, { message: 'a rule is listed twice' }),
    // Bounded, so that no weight, however aged, overflows to Infinity and ties every order.
    urgencyWeights: z.object({ standard: tierWeight, urgent: tierWeight, critical: tierWeight }).strict(),
    /** Added to the weight per 7 days already waited (`ageing`). */
    ageingPerWeek: z.number().min(0).max(MAX_WEIGHT),
    /** Allocations counted for `fair-share`, and how strongly a centre above its share is held back (0…1). */
    fairShareWindowDays: z.number().int().positive().max(3650),
    fairShareStrength: z.number().min(0).max(1),
  })
  .strict();
export type AllocationPolicy = z.infer<typeof allocationPolicySchema>;
