import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { equipment, TICKET_STATES } from '../../db/schema/index.js';
import { EQUIPMENT_KINDS } from '../../domain/stages.js';
import { ASSESSMENT_METHODS } from '../../forecast/maintenance/assess-unit.js';
import { simulatedFlag } from './batch.js';

/**
 * Shapes of the equipment routes: risk forecasts (7-day failure probability, remaining useful life)
 * and maintenance tickets, one source for validation, the OpenAPI document and the handlers' types.
 */

export const ticketSchema = z
  .object({
    ticketId: z.guid(),
    state: z.enum(TICKET_STATES),
    reason: z.string(),
    failureProbability7d: z.number(),
    rulDays: z.number().nullable(),
    openedAt: instant,
    closedAt: instant.nullable(),
  })
  .meta({ id: 'MaintenanceTicket' });

export const assessmentSchema = z
  .object({
    at: instant,
    failureProbability7d: z.number().describe('Probability that the unit fails within 7 days.'),
    rulDays: z.number().nullable().describe('Remaining useful life in days (capped at 60); null when no RUL model serves the kind.'),
    method: z.enum(ASSESSMENT_METHODS).describe('`model`: the active LightGBM models; `threshold-rule`: the fallback while no model is active.'),
    failureModelId: z.string().nullable(),
    rulModelId: z.string().nullable(),
  })
  .meta({ id: 'EquipmentAssessment' });

export const equipmentSummarySchema = z
  .object({
    equipmentId: z.string(),
    siteId: z.string(),
    kind: z.enum(EQUIPMENT_KINDS),
    line: z.string().nullable().describe('The manufacturing line a bioreactor serves.'),
    maintenanceState: z.enum(equipment.maintenanceState.enumValues),
    risk: z.number().nullable().describe('The latest 7-day failure probability; null before the first assessment.'),
    rulDays: z.number().nullable(),
    method: z.enum(ASSESSMENT_METHODS).nullable(),
    assessedAt: instant.nullable(),
    openTicket: ticketSchema.nullable().describe('While open, new manufacturing slots skip the unit’s line.'),
  })
  .meta({ id: 'EquipmentSummary' });

export const equipmentListSchema = z.object({ equipment: z.array(equipmentSummarySchema) });

export const equipmentDetailSchema = equipmentSummarySchema
  .extend({
    installedAt: instant.nullable(),
    assessments: z.array(assessmentSchema).describe('The most recent assessments, newest first.'),
    tickets: z.array(ticketSchema).describe('The most recent tickets, newest first.'),
  })
  .meta({ id: 'EquipmentDetail' });

export const listEquipmentQuery = z.object({
  site: z.string().min(1).optional(),
  kind: z.enum(EQUIPMENT_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  simulated: simulatedFlag,
});

export const equipmentDetailQuery = z.object({ simulated: simulatedFlag });
export const equipmentIdParams = z.object({ id: z.string().min(1).max(128) });

export const serviceBodySchema = z
  .object({
    at: z.iso.datetime({ offset: true, error: 'an ISO 8601 instant with its offset, such as 2027-03-14T09:30:00Z' }).optional().describe('When the service was done; now if left out.'),
  })
  .meta({ id: 'EquipmentService' });

export const serviceResultSchema = z
  .object({
    equipmentId: z.string(),
    servicedAt: instant,
    closedTicket: ticketSchema.nullable().describe('The ticket the service closed, if one was open: the unit’s line takes new slots again.'),
  })
  .meta({ id: 'EquipmentServiced' });
