import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { batches, equipment, excursions } from '../../db/schema/index.js';
import { siteFilter } from '../auth/route-access.js';
import { visibleBatches } from '../auth/site-scope.js';
import type { RouteOptions } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { excursionListSchema, listExcursionsQuery, storedAssessmentSchema } from '../schemas/devices.js';

type ExcursionRow = typeof excursions.$inferSelect;

/** Excursions and telemetry gaps as the excursion engine recorded them, with QA's assessment. */
const excursionRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/excursions',
    {
      schema: {
        tags: ['excursions'],
        summary: 'Excursions and telemetry gaps by batch, device, state and kind, newest first',
        querystring: listExcursionsQuery,
        response: { 200: excursionListSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const { batchId, deviceId, state, kind, limit } = request.query;
      const filters: SQL[] = [];
      if (batchId) filters.push(eq(excursions.batchId, batchId));
      if (deviceId) filters.push(eq(excursions.deviceId, deviceId));
      if (state) filters.push(eq(excursions.state, state));
      if (kind) filters.push(eq(excursions.kind, kind));
      // Those of the caller's sites: on a batch it may see, or on equipment standing at one of them.
      const sites = siteFilter(request.principal!);
      if (sites) {
        filters.push(
          or(
            inArray(excursions.batchId, deps.db.select({ id: batches.id }).from(batches).where(visibleBatches(request.principal!))),
            inArray(excursions.equipmentId, deps.db.select({ id: equipment.id }).from(equipment).where(inArray(equipment.siteId, [...sites]))),
          )!,
        );
      }
      const rows = await deps.db
        .select()
        .from(excursions)
        .where(and(...filters))
        .orderBy(desc(excursions.openedAt), desc(excursions.id))
        .limit(limit);
      return { excursions: rows.map(view) };
    },
  );
};

function view(row: ExcursionRow) {
  // The assessment is JSON written by the custody activity; anything else there is not shown as one.
  const assessment = storedAssessmentSchema.safeParse(row.assessment);
  return {
    id: row.id,
    kind: row.kind,
    deviceId: row.deviceId,
    batchId: row.batchId,
    shipmentId: row.shipmentId,
    equipmentId: row.equipmentId,
    metric: row.metric,
    rule: row.rule,
    state: row.state,
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    peak: row.peakValue,
    durationMs: row.durationMs,
    assessment: assessment.success ? assessment.data : null,
  };
}

export default excursionRoutes;
