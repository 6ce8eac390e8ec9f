import { z } from 'zod';
import { distributionSchema, probabilitySchema } from './distribution.js';

/**
 * How one product behaves in the network: demand, the patient's cells, manufacturing outcomes and
 * the pace of the people around it. The product's rules (steps, nominal days, LD course, stability
 * windows) stay in its profile (src/domain/profiles.ts); these are the numbers the twin draws.
 */
export const productParametersSchema = z
  .object({
    /** A product profile id (src/domain/profiles.ts). */
    productId: z.string().min(1),
    /** Facilities that make it; a patient goes to one in the apheresis centre's region when there is one. */
    facilityIds: z.array(z.string().min(1)).min(1),
    /** Mean enrolments per week at each treatment centre (a Poisson process per centre). */
    enrolmentPerWeek: z.number().min(0),
    /** Enrolment → the coordinator books the collection (milestone apheresis-scheduled), days. */
    apheresisBookingDays: distributionSchema,
    /** Booking → the earliest day the patient can be collected (washout of prior therapy), days. */
    apheresisLeadDays: distributionSchema,
    /** Viable T cells collected, 10^9. */
    cellYield: distributionSchema,
    /** The yield at which expansion takes its nominal days and failure has its reference odds, 10^9. */
    referenceYield: z.number().positive(),
    /** Extra expansion days for each halving of the yield below the reference (fewer fold less fast). */
    expansionDaysPerHalving: z.number().min(0),
    /** Coefficient of variation of every manufacturing step's duration around its nominal days. */
    stepDurationCv: z.number().min(0).max(1),
    /** Collection → pickup, hours: fresh material leaves the same day, cryopreserved material is frozen and held first. */
    outboundHoldHours: distributionSchema,
    /** The courier's service for this product: transit = lane transit × factor (cryogenic economy routes are slower). */
    outboundTransitFactor: z.number().positive(),
    returnTransitFactor: z.number().positive(),
    /** Probability that a manufacturing run fails at the reference yield… */
    failureProbability: probabilitySchema,
    /** …multiplied in odds by this for each halving of the yield below it (and divided above). */
    failureOddsPerHalving: z.number().min(1),
    /** QC results out of specification (the product may then only be released conditionally). */
    outOfSpecificationRate: probabilitySchema,
    /** An out-of-specification product QA releases conditionally (else rejects it). */
    conditionalReleaseProbability: probabilitySchema,
    /** The treating physician's acceptance of a conditional release, days. */
    physicianAcceptanceDays: distributionSchema,
    /** Release testing, working days of the facility (after a place in the QC lab). */
    qcWorkingDays: distributionSchema,
    /** QC complete → QA disposition, working days. */
    qaWorkingDays: distributionSchema,
    /** Release → return pickup, days. */
    returnPickupDays: distributionSchema,
    /** Release → the hospital books LD and infusion, days (times the centre's scheduling factor). */
    bookingDelayDays: distributionSchema,
    /** Daily hazard, from collection, that the patient does not proceed (progression, death, ineligibility). */
    notInfusedHazardPerDay: z.number().min(0),
    /** After a failure, the patient is collected again with this probability (else not infused)… */
    recollectionProbability: probabilitySchema,
    /** …this many days after the failure. */
    recollectionDelayDays: distributionSchema,
  })
  .strict();

export type ProductParameters = z.infer<typeof productParametersSchema>;
