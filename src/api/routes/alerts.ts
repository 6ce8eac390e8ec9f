import { and, desc, eq, gte, inArray, or, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { alerts, batches, equipment } from '../../db/schema/index.js';
import type { RouteOptions } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { batchAtSites, requestSiteScope, siteIdsOf, type SiteScope } from '../live-events/site-scope.js';
import { alertListSchema, listAlertsQuery } from '../schemas/alerts.js';

/** Alerts, newest first, each with the sites it concerns so a caller sees only its own sites'. */
const alertRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts by batch, equipment, kind and time, newest first, limited to the caller’s sites',
        querystring: listAlertsQuery,
        response: { 200: alertListSchema, 400: errorBodySchema },
      },
    },
    async (request) => {
      const { batchId, equipmentId, kind, since, limit } = request.query;
      const filters: (SQL | undefined)[] = [alertsAtSites(requestSiteScope(request))];
      if (batchId) filters.push(eq(alerts.batchId, batchId));
      if (equipmentId) filters.push(eq(alerts.equipmentId, equipmentId));
      if (kind) filters.push(eq(alerts.kind, kind));
      if (since) filters.push(gte(alerts.createdAt, new Date(since)));
      const rows = await deps.db
        .select({ alert: alerts, batch: batches, equipmentSiteId: equipment.siteId })
        .from(alerts)
        .leftJoin(batches, eq(batches.id, alerts.batchId))
        .leftJoin(equipment, eq(equipment.id, alerts.equipmentId))
        .where(and(...filters))
        .orderBy(desc(alerts.id))
        .limit(limit);
      return {
        alerts: rows.map(({ alert, batch, equipmentSiteId }) => ({
          id: alert.id,
          batchId: alert.batchId,
          equipmentId: alert.equipmentId,
          severity: alert.severity,
          kind: alert.kind,
          message: alert.message,
          createdAt: alert.createdAt.toISOString(),
          siteIds: siteIdsOf(batch?.apheresisCenterId, batch?.facilityId, batch?.treatmentCenterId, equipmentSiteId),
        })),
      };
    },
  );
};

/** An alert is at a site when its batch or its equipment is; one about neither is for 'all' only. */
function alertsAtSites(scope: SiteScope): SQL | undefined {
  if (scope.sites === 'all') return undefined;
  return or(batchAtSites(scope), scope.sites.length > 0 ? inArray(equipment.siteId, [...scope.sites]) : undefined);
}

export default alertRoutes;
