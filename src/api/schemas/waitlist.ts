import { z } from 'zod';
import { signingPasswordSchema } from '../../domain/commands.js';
import { instant } from '../../domain/instant.js';
import { allocationPolicySchema, URGENCY_TIERS } from '../../domain/planning/policy.js';
import { safeText, TEXT_LIMITS } from '../../domain/text.js';

/** Shapes of the waitlist's routes: allocation policies, the signed urgency tier, the list and one batch's place in it. */

export const storedPolicySchema = z
  .object({
    id: z.uuid().describe('This version\'s row id: what POST /v1/allocation-policies/{id}/activate and every allocation record name.'),
    policy: allocationPolicySchema,
    active: z.boolean(),
    createdBy: z.string(),
    createdAt: instant,
    activatedAt: instant.nullable(),
  })
  .meta({ id: 'AllocationPolicyVersion' });

export const policyListSchema = z.object({ policies: z.array(storedPolicySchema) }).meta({ id: 'AllocationPolicies' });
export const policyIdParams = z.object({ id: z.uuid() });

export const urgencyRequestSchema = z.object({
  tier: z.enum(URGENCY_TIERS),
  justification: safeText({ max: TEXT_LIMITS.reason, multiline: true }).describe('The clinical reason for the tier; stored with the signature, never sent to Kafka, Temporal or logs.'),
  meaning: safeText({ max: TEXT_LIMITS.meaning }).default('urgency tier set by the treating physician').describe('The meaning of the signature (21 CFR 11.50).'),
  signingPassword: signingPasswordSchema,
});

export const urgencyAssessmentSchema = z
  .object({
    assessmentId: z.uuid(),
    batchId: z.uuid(),
    tier: z.enum(URGENCY_TIERS),
    meaning: z.string(),
    signer: z.object({ name: z.string(), role: z.string(), userId: z.string() }),
    signedAt: instant,
    signatureHash: z.string().describe('SHA-256 of the signed content; the custody record of kind "urgency" carries it into the batch\'s hash chain.'),
    custodySeq: z.number().int(),
  })
  .meta({ id: 'UrgencyAssessment' });

export const waitlistQuery = z.object({
  treatmentCenterId: z.string().min(1).max(64).optional().describe('Only this centre\'s entries (positions stay those in the whole list).'),
});

const forecastBand = z
  .object({
    p10: z.iso.date().nullable(),
    p50: z.iso.date().nullable(),
    p90: z.iso.date().nullable(),
    model: z.literal('greedy-replay-with-release-rate'),
    basis: z.string().describe('What the band is made of, in one sentence.'),
  })
  .describe('Expected collection day (local date at the apheresis centre); null where the horizon holds no chain for it.')
  .meta({ id: 'ExpectedCollection' });

export const waitlistEntrySchema = z
  .object({
    batchId: z.uuid(),
    position: z.number().int().positive().describe('1 = next to be allocated, in the whole list.'),
    weight: z.number(),
    reasons: z.array(z.string()).describe('Each rule of the active policy that changed the weight.'),
    rule: z.string().describe('Why it stands where it does: the reasons, and the tie-break when weights tie.'),
    waitedDays: z.number().int(),
    urgencyTier: z.enum(URGENCY_TIERS),
    treatmentCenterId: z.string(),
    apheresisCenterId: z.string(),
    productId: z.string(),
    enrolledAt: instant,
    expectedCollectionDay: z.iso.date().nullable().describe('The day today\'s capacity, planned greedily in rank order, would give it; null if none in the horizon.'),
  })
  .meta({ id: 'WaitlistEntry' });

export const waitlistSchema = z
  .object({
    policy: z.object({ id: z.uuid(), policyId: z.string(), version: z.number().int() }).describe('The active policy that ordered the list.'),
    total: z.number().int().describe('Entries waiting in the whole list.'),
    entries: z.array(waitlistEntrySchema),
  })
  .meta({ id: 'Waitlist' });

export const batchWaitlistSchema = z
  .object({
    batchId: z.uuid(),
    state: z.enum(['waiting', 'allocated', 'withdrawn']),
    position: z.number().int().positive().nullable(),
    total: z.number().int(),
    urgencyTier: z.enum(URGENCY_TIERS),
    expectedCollection: forecastBand,
  })
  .meta({ id: 'BatchWaitlist' });
