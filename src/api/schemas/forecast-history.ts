import { z } from 'zod';
import { instant } from '../../domain/instant.js';

/** Shapes of GET /v1/batches/{id}/forecasts: every forecast made for a batch, to show how the band moved. */

export const forecastHistoryEntrySchema = z
  .object({
    id: z.number().int(),
    target: z.string().describe('What was forecast, such as release_days or infusion_ready_days.'),
    modelId: z.string().nullable().describe('The registry model that made it; null for a baseline.'),
    landmark: z
      .object({ stage: z.string(), at: instant })
      .nullable()
      .describe('The stage entry or milestone the forecast was made at; null for one made outside a landmark.'),
    unit: z.string().describe('The unit of p10/p50/p90 (hours until ready for turnaround).'),
    p10: z.number(),
    p50: z.number(),
    p90: z.number(),
    createdAt: instant,
  })
  .meta({ id: 'ForecastHistoryEntry' });

export const forecastHistorySchema = z
  .object({ batchId: z.string(), forecasts: z.array(forecastHistoryEntrySchema).describe('Oldest first.') })
  .meta({ id: 'ForecastHistory' });
