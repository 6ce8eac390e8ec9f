import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { STAGES } from '../../domain/stages.js';

/** Shapes of GET /v1/qa/queue: what waits for QA's signature, oldest first. */

export const qaDispositionItemSchema = z
  .object({
    batchId: z.string(),
    coiId: z.string(),
    productId: z.string(),
    facilityId: z.string().nullable(),
    siteIds: z.array(z.string()),
    waitingSince: instant.describe('When the batch entered AWAITING_QA_RELEASE.'),
  })
  .meta({ id: 'QaDispositionItem' });

export const qaAssessmentItemSchema = z
  .object({
    excursionId: z.string(),
    batchId: z.string(),
    batchStage: z.enum(STAGES).describe('ON_HOLD while this excursion holds the batch.'),
    deviceId: z.string(),
    shipmentId: z.string().nullable(),
    equipmentId: z.string().nullable(),
    metric: z.string().nullable(),
    state: z.enum(['open', 'closed']),
    openedAt: instant,
    closedAt: instant.nullable(),
    peak: z.number().nullable(),
    siteIds: z.array(z.string()),
  })
  .meta({ id: 'QaAssessmentItem' });

export const qaQueueSchema = z
  .object({
    dispositions: z.array(qaDispositionItemSchema).describe('Batches awaiting a QA disposition (release, conditional release or rejection).'),
    assessments: z.array(qaAssessmentItemSchema).describe('Excursions of a batch not yet assessed by QA.'),
  })
  .meta({ id: 'QaQueue' });

export const qaQueueQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) });
