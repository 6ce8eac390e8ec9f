import { z } from 'zod';
import { distributionSchema, probabilitySchema } from './distribution.js';

/** What the sensor gateways report that concerns a batch, and how QA answers it. */
export const sensorParametersSchema = z
  .object({
    /** A shipment leg has a temperature excursion on its logger. */
    legExcursionProbability: probabilitySchema,
    /** A shipment leg's logger goes silent for a while (recorded, holds nothing). */
    legTelemetryGapProbability: probabilitySchema,
    /** A manufacturing run has a bioreactor excursion (temperature, pH, dissolved oxygen). */
    bioreactorExcursionProbability: probabilitySchema,
    /** How long an excursion or a gap lasts, minutes. */
    excursionMinutes: distributionSchema,
    /** Excursion or deviation opened → QA's assessment, hours. */
    assessmentHours: distributionSchema,
    /** QA's assessment: shares of no impact, quarantine (conditional release only) and reject. */
    assessmentImpact: z
      .object({ none: probabilitySchema, quarantine: probabilitySchema, reject: probabilitySchema })
      .strict()
      .refine((i) => Math.abs(i.none + i.quarantine + i.reject - 1) < 1e-9, { message: 'none + quarantine + reject must be 1' }),
  })
  .strict();

export type SensorParameters = z.infer<typeof sensorParametersSchema>;
