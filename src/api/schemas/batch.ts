import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { actorSchema } from '../../domain/commands.js';
import { batchStatusSchema, forecastSchema } from '../../domain/batch/status.js';
import { STAGES } from '../../domain/stages.js';
import { bookedChainSchema } from './capacity.js';

/**
 * Response shapes of the batch routes, for the OpenAPI document and the serializer. The status
 * part is the workflow's own (src/domain/batch/status.ts), extended here with what the API adds.
 */
const stage = z.enum(STAGES);

export const batchIdParams = z.object({ id: z.uuid() });

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
    timeScale: batchStatusSchema.shape.timeScale,
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

export const enrolResultSchema = z.object({
  batchId: z.uuid(),
  coiId: z.string(),
  started: z.boolean().describe('False (with status 202) when the batch is stored but its workflow is not yet started: V2V starts it shortly; do not enrol again.'),
  chain: bookedChainSchema.nullable().optional().describe('The slot chain booked with the batch; null when none was (waitlisted, or a compressed clock).'),
  waitlisted: z.boolean().optional().describe('True when no slot chain fitted the horizon: the batch waits for one.'),
});

export const stageResultSchema = z.object({ stage }).describe("The batch's stage after the command.");

export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    // Visible ASCII only: a key is an opaque token (a UUID), stored and compared byte for byte.
    .regex(/^[\x21-\x7E]+$/, 'An Idempotency-Key is 1 to 200 visible ASCII characters (a UUID is a good key).')
    .optional()
    .describe('Repeat a command safely: a retry with the same key gets the first answer instead of acting twice.'),
});
