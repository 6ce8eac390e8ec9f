import { inArray, sql } from 'drizzle-orm';
import { forecasts } from '../db/schema/index.js';
import { forecastSchema, type Forecast } from '../domain/batch/status.js';
import type { ApiDeps } from './deps.js';

/**
 * Each batch's latest forecast as the worker stored it (a forecast row keeps the whole forecast the
 * workflow showed at that landmark), so the board lists ETA bands from one indexed query instead of
 * one workflow query per batch. A row of an older shape is left out rather than failing the list.
 */
export async function latestForecasts(deps: ApiDeps, batchIds: readonly string[]): Promise<Map<string, Forecast>> {
  if (batchIds.length === 0) return new Map();
  const rows = await deps.db
    .selectDistinctOn([forecasts.batchId], { batchId: forecasts.batchId, forecast: sql<unknown>`${forecasts.details}->'forecast'` })
    .from(forecasts)
    .where(inArray(forecasts.batchId, [...batchIds]))
    .orderBy(forecasts.batchId, sql`${forecasts.id} desc`);
  const latest = new Map<string, Forecast>();
  for (const row of rows) {
    const parsed = forecastSchema.safeParse(row.forecast);
    if (row.batchId && parsed.success) latest.set(row.batchId, parsed.data);
  }
  return latest;
}
