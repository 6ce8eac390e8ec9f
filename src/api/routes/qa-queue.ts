import { and, asc, eq, inArray, isNull, notExists, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { batches, custodyEvents, excursions } from '../../db/schema/index.js';
import type { RouteOptions } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { batchAtSites, requestSiteScope, siteIdsOf } from '../live-events/site-scope.js';
import { qaQueueQuery, qaQueueSchema } from '../schemas/qa-queue.js';

/**
 * QA's work list, from stored facts rather than one workflow query per batch: a batch awaits a
 * disposition while it is AWAITING_QA_RELEASE with no qa-disposition custody record (the workflow's
 * `awaiting` says the same: src/domain/batch/awaiting.ts); an excursion awaits assessment while a
 * batch's excursion (not a telemetry gap, not withdrawn) has no stored assessment.
 */
const qaQueueRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/qa/queue',
    {
      schema: {
        tags: ['qa'],
        summary: 'Batches awaiting QA disposition and excursions awaiting assessment, oldest first',
        querystring: qaQueueQuery,
        response: { 200: qaQueueSchema, 400: errorBodySchema },
      },
    },
    async (request) => {
      const { limit } = request.query;
      const atSites = batchAtSites(requestSiteScope(request));
      const real: SQL = eq(batches.simulated, false);
      const decided = deps.db
        .select({ id: custodyEvents.id })
        .from(custodyEvents)
        .where(and(eq(custodyEvents.batchId, batches.id), eq(custodyEvents.kind, 'qa-disposition')));
      const [waiting, unassessed] = await Promise.all([
        deps.db
          .select()
          .from(batches)
          .where(and(real, atSites, eq(batches.stage, 'AWAITING_QA_RELEASE'), notExists(decided)))
          .orderBy(asc(batches.updatedAt))
          .limit(limit),
        deps.db
          .select({ excursion: excursions, batch: batches })
          .from(excursions)
          .innerJoin(batches, eq(batches.id, excursions.batchId))
          .where(and(real, atSites, eq(excursions.kind, 'excursion'), inArray(excursions.state, ['open', 'closed']), isNull(excursions.assessment)))
          .orderBy(asc(excursions.openedAt))
          .limit(limit),
      ]);
      return {
        dispositions: waiting.map((b) => ({
          batchId: b.id, coiId: b.coiId, productId: b.productId, facilityId: b.facilityId,
          siteIds: siteIdsOf(b.apheresisCenterId, b.facilityId, b.treatmentCenterId), waitingSince: b.updatedAt.toISOString(),
        })),
        assessments: unassessed.map(({ excursion: e, batch: b }) => ({
          excursionId: e.id, batchId: b.id, batchStage: b.stage, deviceId: e.deviceId, shipmentId: e.shipmentId, equipmentId: e.equipmentId,
          metric: e.metric, state: e.state as 'open' | 'closed', openedAt: e.openedAt.toISOString(), closedAt: e.closedAt?.toISOString() ?? null,
          peak: e.peakValue, siteIds: siteIdsOf(b.apheresisCenterId, b.facilityId, b.treatmentCenterId),
        })),
      };
    },
  );
};

export default qaQueueRoutes;
