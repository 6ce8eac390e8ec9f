import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { actorSchema, assessmentSchema, HANDOFF_STEPS, MILESTONES } from '../../domain/commands.js';
import { ISSUE_KINDS, ISSUE_STATES } from '../../domain/batch/index.js';
import { SHIPMENT_LEGS, STAGES } from '../../domain/stages.js';
import type { BatchStatus } from '../../../workflows/messages.js';

/**
 * Response shapes of the batch routes, for the OpenAPI document and the serializer. The status
 * part mirrors BatchStatus (workflows/messages.ts); the type check at the bottom fails the build
 * when the two drift apart, so the contract is still written once and checked here.
 */
const stage = z.enum(STAGES);

export const batchIdParams = z.object({ id: z.uuid() });

const awaitingSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('handoff'), step: z.enum(HANDOFF_STEPS) }),
    z.object({ kind: z.literal('milestone'), milestone: z.enum(MILESTONES) }),
    z.object({ kind: z.literal('qa-disposition') }),
    z.object({ kind: z.literal('excursion-assessment'), excursionId: z.string() }),
    z.object({ kind: z.literal('infusion-booking'), earliest: instant, latest: instant }),
    z.object({ kind: z.literal('timer'), until: instant, reason: z.string() }),
  ])
  .nullable()
  .describe('What the batch waits for next; null once it has reached an end state.');

const issueSchema = z.object({
  id: z.string(),
  kind: z.enum(ISSUE_KINDS),
  reason: z.string(),
  blocking: z.boolean().describe('A blocking issue holds the batch (ON_HOLD) until QA assesses it.'),
  openedAt: instant,
  closedAt: instant.optional(),
  state: z.enum(ISSUE_STATES),
  assessment: z.object({ impact: assessmentSchema.shape.impact, signer: actorSchema, at: instant }).optional(),
});

export const bookingResultSchema = z
  .object({ infusionDate: z.string(), ldStart: z.string(), ldEnd: z.string(), chair: z.string() })
  .meta({ id: 'InfusionBooking' });

const forecastBandSchema = z.object({
  method: z.string().describe('model, empirical-baseline (no active model), profile-nominal (too little history), or observed (already reached).'),
  modelId: z.string().optional(),
  p10: instant,
  p50: instant,
  p90: instant,
});

export const forecastSchema = z
  .object({
    method: z.string().describe('model when every band still ahead came from an active model, else the baseline used.'),
    modelIds: z.array(z.string()),
    stage,
    at: instant.describe('The landmark (stage entry or milestone) the forecast was made at.'),
    release: forecastBandSchema.describe('When the batch is released; once released, the release itself.'),
    infusionReady: forecastBandSchema.optional().describe('When the product is at the treatment centre, while that is still ahead.'),
    readyP10: instant.describe('release.p10, under its first name.'),
    readyP50: instant.describe('release.p50, under its first name.'),
    readyP90: instant.describe('release.p90, under its first name.'),
    atRisk: z.boolean().describe("P90 of infusion-ready is after the booking's LD start."),
    safeFrom: instant.optional().describe('When at risk: the earliest infusion day whose LD starts at or after P90 of infusion-ready.'),
  })
  .meta({ id: 'Forecast' });

export const batchStatusSchema = z.object({
  batchId: z.string(),
  coiId: z.string(),
  productId: z.string(),
  stage,
  attempt: z.number().int(),
  din: z.string().optional(),
  awaiting: awaitingSchema,
  timeline: z.array(z.object({ at: instant, event: z.string(), stage: stage.optional(), detail: z.string().optional() })),
  issues: z.array(issueSchema),
  shipments: z.array(
    z.object({ shipmentId: z.string(), leg: z.enum(SHIPMENT_LEGS), state: z.enum(['in_transit', 'delivered', 'cancelled']) }),
  ),
  booking: bookingResultSchema.optional(),
  quarantined: z.boolean(),
  forecast: forecastSchema.optional(),
});

export const custodyRecordSchema = z.object({
  seq: z.number().int(),
  kind: z.string(),
  step: z.string().nullable(),
  actor: actorSchema,
  location: z.string().nullable(),
  meaning: z.string().nullable(),
  occurredAt: instant,
  hash: z.string(),
});

/** Shown only to user identities at the batch's treatment or apheresis centre; absent for everyone else. */
const patientRef = z.string().optional().describe("The hospital's pseudonymous patient reference; only for staff of the batch's treatment or apheresis centre.");

const batchSites = {
  apheresisCenterId: z.string(),
  treatmentCenterId: z.string(),
  facilityId: z.string().nullable(),
};

export const batchDetailSchema = batchStatusSchema
  .extend({
    patientRef,
    ...batchSites,
    createdAt: instant,
    custody: z.array(custodyRecordSchema).describe('The chain of custody, oldest first, hash-chained.'),
    source: z
      .enum(['workflow', 'database'])
      .describe('workflow: live state; database: the workflow has closed and its history is gone, so only stored facts are shown.'),
  })
  .meta({ id: 'BatchDetail' });

export const batchSummarySchema = z
  .object({
    batchId: z.string(),
    coiId: z.string(),
    patientRef,
    productId: z.string(),
    stage,
    ...batchSites,
    din: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
    forecast: forecastSchema.optional().describe("The forecast made at the batch's latest landmark, as stored then: the board's ETA bands without asking each workflow."),
  })
  .meta({ id: 'BatchSummary' });

export const batchListSchema = z.object({ batches: z.array(batchSummarySchema) });

/** Real rows unless asked: the twin's history never mixes with real batches in a listing. */
export const simulatedFlag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true')
  .describe("'true' lists the digital twin's simulated rows instead of real ones.");

export const listBatchesQuery = z.object({
  stage: stage.optional(),
  site: z.string().min(1).optional().describe('Batches with this site as apheresis centre, facility or treatment centre.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  simulated: simulatedFlag,
});

export const enrollResultSchema = z.object({ batchId: z.uuid(), coiId: z.string() });

export const stageResultSchema = z.object({ stage }).describe("The batch's stage after the command.");

export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Repeat a command safely: a retry with the same key gets the first answer instead of acting twice.'),
});

// Drift check: a compile error here means BatchStatus changed and the schema above must follow.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusSchemaMatchesContract: Same<z.output<typeof batchStatusSchema>, BatchStatus> = true;
void statusSchemaMatchesContract;
