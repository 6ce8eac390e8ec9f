import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { EXCURSION_KINDS, EXCURSION_STATES } from '../../domain/excursions/types.js';

/** Shapes of GET /v1/telemetry: a shipment's or a unit's readings, bucketed, with what the chart shades. */
const isoInstant = z.iso.datetime({ offset: true, error: 'an ISO 8601 instant with its offset, such as 2027-03-14T09:30:00Z' });

export const telemetryQuery = z
  .object({
    shipmentId: z.string().min(1).max(128).optional(),
    equipmentId: z.string().min(1).max(128).optional(),
    from: isoInstant.optional().describe('Start of the window; the first reading if left out.'),
    to: isoInstant.optional().describe('End of the window; the last reading if left out.'),
    maxPoints: z.coerce.number().int().min(10).max(20_000).default(2_000).describe('At most this many buckets per metric.'),
  })
  .superRefine((q, ctx) => {
    if ((q.shipmentId === undefined) === (q.equipmentId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['shipmentId'], message: 'give exactly one of shipmentId and equipmentId' });
    }
    if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) >= Date.parse(q.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });

const bucketSchema = z.object({
  t: instant.describe('Start of the bucket.'),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
  n: z.number().int().describe('Readings in the bucket.'),
});

export const telemetrySchema = z
  .object({
    shipmentId: z.string().nullable(),
    equipmentId: z.string().nullable(),
    from: instant.nullable().describe('The window read; null when there are no readings.'),
    to: instant.nullable(),
    bucketMs: z.number().int().describe('Width of each bucket; 1 when every reading has its own.'),
    series: z.array(z.object({ metric: z.string(), unit: z.string(), points: z.array(bucketSchema) })),
    limits: z
      .array(z.object({ ruleId: z.string(), metric: z.string(), min: z.number().nullable(), max: z.number().nullable(), minDurationMs: z.number().int() }))
      .describe('What the excursion engine holds the readings to: the product profile’s leg limits, or the equipment kind’s with its overrides.'),
    gapAfterMs: z.number().int().nullable().describe('Silence longer than this is a telemetry gap (the engine’s own threshold); null without limits.'),
    gaps: z.array(z.object({ deviceId: z.string(), from: instant, to: instant, durationMs: z.number().int() })).describe('Intervals between readings longer than gapAfterMs.'),
    excursions: z.array(
      z.object({
        id: z.string(), kind: z.enum(EXCURSION_KINDS), metric: z.string().nullable(), state: z.enum(EXCURSION_STATES),
        openedAt: instant, closedAt: instant.nullable(), peak: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'Telemetry' });
