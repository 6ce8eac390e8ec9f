import { and, asc, eq, gte, lte, or, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { excursions } from '../../db/schema/index.js';
import type { RouteOptions } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { requestSiteScope } from '../live-events/site-scope.js';
import { telemetryQuery, telemetrySchema } from '../schemas/telemetry.js';
import { bucketedReadings, bucketWidthMs, readingBounds, readingGaps, type BucketRow } from '../telemetry/series.js';
import { equipmentTarget, shipmentTarget } from '../telemetry/target.js';

/** A shipment's or a unit's readings for a chart: bucketed in SQL, with limits, excursions and gaps to shade. */
const telemetryRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/telemetry',
    {
      schema: {
        tags: ['telemetry'],
        summary: 'Readings of a shipment or a piece of equipment, downsampled, with limits, excursions and gaps',
        querystring: telemetryQuery,
        response: { 200: telemetrySchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { shipmentId, equipmentId, maxPoints } = request.query;
      const scope = requestSiteScope(request);
      const target = shipmentId !== undefined ? await shipmentTarget(deps, shipmentId, scope) : await equipmentTarget(deps, equipmentId!, scope);
      const window = { ...target, from: dateOf(request.query.from), to: dateOf(request.query.to) };
      const bounds = target.bindingIds.length > 0 ? await readingBounds(deps.pool, window) : null;
      const bucketMs = bounds ? bucketWidthMs(bounds, maxPoints) : 1;
      const [buckets, gaps, episodes] = await Promise.all([
        bounds ? bucketedReadings(deps.pool, window, bounds, bucketMs) : [],
        bounds && target.rules ? readingGaps(deps.pool, window, bounds, target.rules.gapAfterMs) : [],
        excursionsOf(shipmentId, equipmentId, bounds),
      ]);
      return {
        shipmentId: shipmentId ?? null,
        equipmentId: equipmentId ?? null,
        from: bounds?.from.toISOString() ?? null,
        to: bounds?.to.toISOString() ?? null,
        bucketMs,
        series: seriesOf(buckets),
        limits: (target.rules?.rules ?? []).map((r) => ({ ruleId: r.id, metric: r.metric, min: r.min ?? null, max: r.max ?? null, minDurationMs: r.minDurationMs })),
        gapAfterMs: target.rules?.gapAfterMs ?? null,
        gaps,
        excursions: episodes.map((e) => ({
          id: e.id, kind: e.kind, metric: e.metric, state: e.state, openedAt: e.openedAt.toISOString(), closedAt: e.closedAt?.toISOString() ?? null, peak: e.peakValue,
        })),
      };
    },
  );

  /** The target's excursions and gaps as the engine recorded them, those overlapping the window. */
  function excursionsOf(shipmentId: string | undefined, equipmentId: string | undefined, bounds: { from: Date; to: Date } | null) {
    const filters: (SQL | undefined)[] = [shipmentId !== undefined ? eq(excursions.shipmentId, shipmentId) : eq(excursions.equipmentId, equipmentId!)];
    if (bounds) filters.push(lte(excursions.openedAt, bounds.to), or(gte(excursions.closedAt, bounds.from), eq(excursions.state, 'open')));
    return deps.db.select().from(excursions).where(and(...filters)).orderBy(asc(excursions.openedAt));
  }
};

const dateOf = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));

function seriesOf(rows: BucketRow[]) {
  const byMetric = new Map<string, { metric: string; unit: string; points: { t: string; min: number; max: number; avg: number; n: number }[] }>();
  for (const r of rows) {
    const series = byMetric.get(r.metric) ?? { metric: r.metric, unit: r.unit, points: [] };
    byMetric.set(r.metric, series);
    series.points.push({ t: r.t.toISOString(), min: r.min, max: r.max, avg: r.avg, n: r.n });
  }
  return [...byMetric.values()];
}

export default telemetryRoutes;
