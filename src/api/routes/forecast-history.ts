import { asc, eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { forecasts, landmarks } from '../../db/schema/index.js';
import { requireBatch } from '../batch-workflow.js';
import type { RouteOptions } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { batchIdParams } from '../schemas/batch.js';
import { forecastHistorySchema } from '../schemas/forecast-history.js';

/**
 * A batch's forecast history: one row per forecast with the landmark it was made at,
 * oldest first by the landmark's time (history mode writes a batch's forecasts at once, so created_at alone
 * would not order them).
 */
const forecastHistoryRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/batches/:id/forecasts',
    {
      schema: {
        tags: ['batches'],
        summary: "Every forecast made for a batch with its landmark, target, P10/P50/P90 and model, oldest first",
        params: batchIdParams,
        response: { 200: forecastHistorySchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const batchId = request.params.id;
      // The access check has already refused a batch outside the caller's sites (route-access.ts: 'batch').
      await requireBatch(deps, batchId);
      const rows = await deps.db
        .select({ forecast: forecasts, landmark: { stage: landmarks.stage, at: landmarks.at } })
        .from(forecasts)
        .leftJoin(landmarks, eq(landmarks.id, forecasts.landmarkId))
        .where(eq(forecasts.batchId, batchId))
        .orderBy(asc(sql`coalesce(${landmarks.at}, ${forecasts.createdAt})`), asc(forecasts.id));
      return {
        batchId,
        forecasts: rows.map(({ forecast: f, landmark }) => ({
          id: f.id, target: f.target, modelId: f.modelId,
          landmark: landmark ? { stage: landmark.stage, at: landmark.at.toISOString() } : null,
          unit: f.unit, p10: f.p10, p50: f.p50, p90: f.p90, createdAt: f.createdAt.toISOString(),
        })),
      };
    },
  );
};

export default forecastHistoryRoutes;
