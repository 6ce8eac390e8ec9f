import { z } from 'zod';
import { instant } from '../../domain/instant.js';

/**
 * Shapes of GET /v1/chain-replans: each time a batch's slot chain was planned again (a proposed
 * collection day, a slip, a re-collection), the chain before and after and what moved. Read from
 * the chains' own history (slot_chains keeps every version), so nothing has to remember to write it.
 */

const chainDays = z.object({
  version: z.number().int(),
  facilityId: z.string(),
  line: z.string().nullable(),
  collectionDay: z.iso.date(),
  lineStartDay: z.iso.date(),
  lineEndDay: z.iso.date(),
  infusionDay: z.iso.date(),
});

export const REPLAN_STEPS = ['collection', 'facility', 'line', 'line-start', 'infusion'] as const;

export const chainMoveSchema = z.object({
  step: z.enum(REPLAN_STEPS),
  from: z.string().describe('A local date (YYYY-MM-DD), except for facility and line: their ids.'),
  to: z.string(),
});

export const chainReplanSchema = z
  .object({
    batchId: z.uuid(),
    coiId: z.string(),
    treatmentCenterId: z.string(),
    at: instant.describe('When the new chain was booked.'),
    reason: z.string().describe('The slip that moved it, as the re-plan recorded it.'),
    before: chainDays,
    after: chainDays,
    moved: z.array(chainMoveSchema).describe('Each step whose day, facility or line changed; the line window moves with its start day (line-start).'),
  })
  .meta({ id: 'ChainReplan' });

export const chainReplanListSchema = z.object({ replans: z.array(chainReplanSchema) });

export const chainReplansQuery = z.object({
  batchId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
