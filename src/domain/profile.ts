import { z } from 'zod';

/**
 * A product profile: everything about a product that is configuration, not code. Durations are
 * nominal (real-world) values; the workflow divides them by V2V_TIME_SCALE.
 */
/**
 * How a leg's logger readings are judged (the excursion engine's shipment rules). Optional: a leg
 * without it gets the defaults for its temperature class (chilled or cryogenic).
 */
export const legTelemetrySchema = z.object({
  /** Out of range continuously for this long before it is an excursion. */
  minExcursionMinutes: z.number().positive(),
  /** Once out, the temperature is back only when this far inside the limit. */
  hysteresisC: z.number().positive(),
  /** Cumulative minutes out of range over the leg that make even a short spell an excursion. */
  budgetMinutes: z.number().positive(),
  /** Cryogenic legs: a dry shipper tilted beyond this for `tiltMinSeconds` may lose its nitrogen vapour. */
  tiltMaxDeg: z.number().positive(),
  tiltMinSeconds: z.number().positive(),
  /** No reading for this long is a telemetry gap. */
  gapMinutes: z.number().positive(),
});
export type LegTelemetry = z.infer<typeof legTelemetrySchema>;

const leg = z.object({
  tempMinC: z.number(),
  tempMaxC: z.number(),
  /** Hours from pickup within which the material must be received, or a deviation is raised. */
  stabilityHours: z.number().positive(),
  nominalHours: z.number().positive(),
  telemetry: legTelemetrySchema.optional(),
});
export type ShipmentLeg = z.infer<typeof leg>;

export const productProfileSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1),
  version: z.number().int().positive(),
  startingMaterial: z.enum(['fresh', 'cryopreserved']),
  legs: z.object({ outbound: leg, return: leg }),
  /** Final product storage limit at the facility and the treatment centre. */
  finalProductStorageMaxC: z.number().max(-60),
  /** Nominal durations in days of each manufacturing step, in order. */
  manufacturingDays: z.object({
    activation: z.number().positive(),
    transduction: z.number().positive(),
    expansion: z.number().positive(),
    harvest: z.number().positive(),
    cryopreservation: z.number().positive(),
  }),
  qcDays: z.number().positive(),
  /** Lymphodepleting chemotherapy: a course of `courseDays`, then `restDaysMin…restDaysMax` before infusion. */
  ld: z
    .object({ courseDays: z.number().int().positive(), restDaysMin: z.number().int().min(0), restDaysMax: z.number().int().min(0) })
    .refine((ld) => ld.restDaysMax >= ld.restDaysMin, { message: 'restDaysMax must be ≥ restDaysMin', path: ['restDaysMax'] }),
  /** How long after receipt at the treatment centre the product may still be infused. */
  maxDaysReceiptToInfusion: z.number().positive(),
  /** How long a human step may wait before it is escalated. */
  escalationHours: z.object({ qaDisposition: z.number().positive(), excursionAssessment: z.number().positive() }),
});

export type ProductProfile = z.infer<typeof productProfileSchema>;

