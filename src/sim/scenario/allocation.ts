import { z } from 'zod';
import { builtInPolicy, BUILT_IN_POLICIES, DEFAULT_POLICY_ID } from '../../domain/planning/policies.js';
import { allocationPolicySchema, URGENCY_TIERS, type AllocationPolicy } from '../../domain/planning/policy.js';
import { probabilitySchema } from './distribution.js';

const tier = z.object({ share: probabilitySchema, hazardMultiplier: z.number().positive() }).strict();

/**
 * How the twin allocates capacity (issue 18). Left out, the twin behaves as it always has.
 *  - `first-at-the-door`: today — a line is requested when the cells arrive; fresh material waits.
 *  - `slot-chain`: the order enters the twin's planning when the coordinator books it; a daily run
 *    (and a run whenever capacity is released) plans every waiting order with the policy's weights
 *    and books the chains whose collection falls within `commitDays`; the rest wait and are
 *    planned again, so a heavier order arriving later can still go first.
 * With either mode every patient has an urgency tier, and the not-infused hazard runs from the
 * order (waiting on the list counts), scaled by the tier: the policies are compared on one footing.
 */
export const allocationSchema = z
  .object({
    mode: z.enum(['first-at-the-door', 'slot-chain']),
    planner: z.enum(['greedy', 'highs']).default('greedy'),
    /** A built-in policy (src/domain/planning/policies.ts), newest version… */
    policyId: z
      .string()
      .default(DEFAULT_POLICY_ID)
      .refine((id) => builtInPolicy(id) !== undefined, { message: `not a built-in policy; built in: ${[...new Set(BUILT_IN_POLICIES.map((p) => p.id))].join(', ')}` }),
    /** …or a policy written out in full, which then wins over policyId. */
    policy: allocationPolicySchema.optional(),
    /** Days the daily planning run looks ahead (a chain's every step must fit inside). */
    horizonDays: z.number().int().min(14).max(365).default(90),
    /** Chains whose collection falls within this many days are booked; later ones stay on the waitlist. */
    commitDays: z.number().int().min(1).default(14),
    /** Whole days added to each chain's line window beyond the nominal steps, for runs that overrun. */
    lineMarginDays: z.number().int().min(0).max(14).default(2),
    /** Solver time limit per planning run (HiGHS), ms. */
    timeLimitMs: z.number().int().positive().default(2000),
    /**
     * Share of patients per urgency tier, and how much faster each progresses while waiting (a
     * multiplier of the product's notInfusedHazardPerDay). The defaults are an assumption, labelled
     * as such in docs/twin.md: no registry publishes CAR-T waitlist progression by urgency tier.
     */
    tiers: z
      .object({ standard: tier, urgent: tier, critical: tier })
      .strict()
      .default({ standard: { share: 0.7, hazardMultiplier: 1 }, urgent: { share: 0.2, hazardMultiplier: 2 }, critical: { share: 0.1, hazardMultiplier: 4 } })
      .refine((t) => Math.abs(URGENCY_TIERS.reduce((a, k) => a + t[k].share, 0) - 1) < 1e-9, { message: 'the tiers’ shares must add up to 1' }),
  })
  .strict();

export type Allocation = z.infer<typeof allocationSchema>;
export type AllocationInput = z.input<typeof allocationSchema>;

/** The policy an allocation weighs orders by: its own, or the built-in one it names. */
export const allocationPolicy = (a: Allocation): AllocationPolicy => a.policy ?? builtInPolicy(a.policyId)!;
