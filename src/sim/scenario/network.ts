import { z } from 'zod';
import { distributionSchema, probabilitySchema } from './distribution.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const siteId = z.string().regex(/^[a-z0-9-]+$/, 'site ids are lowercase letters, digits and dashes');
/** Where a site is, for routing (a patient's cells go to a facility of the same region when there is one) and for reports. */
const region = z.string().min(1);
/** An IANA time zone: opening days, working days and infusion days are calendar days there. */
const timeZone = z.string().refine(isTimeZone, { message: 'not an IANA time zone (e.g. "Europe/Berlin")' });
const days = z.array(z.enum(WEEKDAYS)).min(1, 'at least one day').refine((d) => new Set(d).size === d.length, { message: 'a day is listed twice' });
/** What every site has. */
const site = { id: siteId, region, timeZone };

export const apheresisCentreSchema = z
  .object({
    ...site,
    /** Collections a day: one patient per apheresis chair per opening day. */
    chairs: z.number().int().positive(),
    openDays: days,
  })
  .strict();

export const treatmentCentreSchema = z
  .object({
    ...site,
    /** Where its patients' cells are collected. */
    apheresisCentreId: siteId,
    /** CAR-T infusions the centre can give a day (beds and staff for day 0). */
    infusionChairsPerDay: z.number().int().positive(),
    /**
     * Multiplies the product's booking delay (release → the hospital books LD and infusion): the
     * centre's own planning, bed management and payer approval.
     */
    schedulingDelayFactor: z.number().positive().default(1),
    /** Weekly enrolments per product at this centre, where it differs from the product's rate. */
    enrolmentPerWeek: z.record(z.string(), z.number().min(0)).optional(),
  })
  .strict();

export const facilitySchema = z
  .object({
    ...site,
    /** Cleanroom suites: one batch each from the start of manufacturing to cryopreservation. */
    lines: z.number().int().positive(),
    /** Bioreactors; a batch needs one that is up. Down units take capacity away. */
    bioreactors: z.number().int().positive(),
    /** QC tests run at once (release testing after cryopreservation). */
    qcCapacity: z.number().int().positive(),
    /** Days QC and QA work (their durations count these days only). */
    workingDays: days,
    /** −150 °C freezers and LN2 storage tanks holding product during QC and QA. */
    freezers: z.number().int().min(0),
    ln2Tanks: z.number().int().min(0),
    /** Dry shippers for the return leg; a leg waits for one that is free and up. */
    dryShippers: z.number().int().positive(),
  })
  .strict()
  .refine((f) => f.bioreactors >= f.lines, { message: 'a facility needs at least one bioreactor per line', path: ['bioreactors'] });

/**
 * A courier route. `from` and `to` are a site id, a region as `@region`, or `*`; the most specific
 * rule that matches a leg gives its transit time (site beats region beats `*`).
 */
export const laneSchema = z
  .object({
    id: z.string().min(1),
    from: z.string().min(1),
    to: z.string().min(1),
    /** Door to door, hours, for a priority (factor 1) shipment. */
    transitHours: distributionSchema,
    /** A leg is delayed (weather, customs, a missed flight) with this probability… */
    disruptionProbability: probabilitySchema,
    /** …by this many hours. */
    disruptionDelayHours: distributionSchema,
  })
  .strict();

export const networkSchema = z
  .object({
    apheresisCentres: z.array(apheresisCentreSchema).min(1),
    treatmentCentres: z.array(treatmentCentreSchema).min(1),
    facilities: z.array(facilitySchema).min(1),
    lanes: z.array(laneSchema).min(1),
  })
  .strict();

export type ApheresisCentre = z.infer<typeof apheresisCentreSchema>;
export type TreatmentCentre = z.infer<typeof treatmentCentreSchema>;
export type Facility = z.infer<typeof facilitySchema>;
export type Lane = z.infer<typeof laneSchema>;
export type Network = z.infer<typeof networkSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
