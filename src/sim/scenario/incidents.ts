import { z } from 'zod';
import { distributionSchema, probabilitySchema } from './distribution.js';

/** Days from the simulation's start. */
const day = z.number().min(0);

/** A facility loses some of its lines (contamination, a failed HVAC, a requalification). */
const lineOutage = z
  .object({ id: z.string().min(1), kind: z.literal('line-outage'), facilityId: z.string().min(1), lines: z.number().int().positive(), startDay: day, days: z.number().positive() })
  .strict();

/** A courier lane is disrupted: legs that start in the window use these disruption odds and delays. */
const laneDisruption = z
  .object({
    id: z.string().min(1),
    kind: z.literal('lane-disruption'),
    /** Site id, `@region` or `*`, as in lanes. */
    from: z.string().min(1),
    to: z.string().min(1),
    startDay: day,
    days: z.number().positive(),
    disruptionProbability: probabilitySchema,
    disruptionDelayHours: distributionSchema,
  })
  .strict();

export const incidentSchema = z.discriminatedUnion('kind', [lineOutage, laneDisruption]);
export type Incident = z.infer<typeof incidentSchema>;
