import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { alerts } from '../../db/schema/index.js';

/** Shapes of GET /v1/alerts: what coordinators and schedulers were told, never patient data. */

export const alertSchema = z
  .object({
    id: z.number().int().describe('Increasing: newer alerts have larger ids.'),
    batchId: z.string().nullable(),
    equipmentId: z.string().nullable(),
    severity: z.enum(alerts.severity.enumValues),
    kind: z.string(),
    message: z.string(),
    createdAt: instant,
    siteIds: z.array(z.string()).describe("The batch's sites and the equipment's site: who may see the alert."),
  })
  .meta({ id: 'Alert' });

export const alertListSchema = z.object({ alerts: z.array(alertSchema) });

export const listAlertsQuery = z.object({
  batchId: z.uuid().optional(),
  equipmentId: z.string().min(1).max(128).optional(),
  kind: z.string().min(1).max(64).optional(),
  since: z.iso.datetime({ offset: true, error: 'an ISO 8601 instant with its offset, such as 2027-03-14T09:30:00Z' }).optional().describe('Only alerts raised at or after this instant.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
