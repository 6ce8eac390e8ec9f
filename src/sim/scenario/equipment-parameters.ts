import { z } from 'zod';
import { METRICS } from '../../domain/stages.js';
import { distributionSchema, probabilitySchema } from './distribution.js';

/** A metric a unit's gateway publishes, and how it behaves as the unit wears out. */
const metricSchema = z
  .object({
    metric: z.enum(METRICS),
    unit: z.string().min(1),
    /** Value of a healthy, new unit. */
    nominal: z.number(),
    /** Standard deviation of single readings of a healthy unit. */
    noise: z.number().min(0),
    /** The unit's limits: minutes outside them count as out of range. */
    min: z.number(),
    max: z.number(),
    /** Shift of the daily mean on the day of a failure (it grows over the precursor days). */
    driftAtFailure: z.number(),
  })
  .strict()
  .refine((m) => m.min < m.max, { message: 'min must be below max', path: ['max'] });

const kindSchema = z
  .object({
    /** Weibull shape of time to failure in effective age: > 1 means wear-out, the hazard rising with age. */
    weibullShape: z.number().positive(),
    /** Weibull scale: effective age, days, by which 63 % of units have failed. */
    characteristicLifeDays: z.number().positive(),
    /** A unit in use (a bioreactor running a batch, a shipper on a leg) ages 1 + this per day. */
    useAgeing: z.number().min(0),
    /** Failure → back in service, hours. */
    repairHours: distributionSchema,
    /** Share of effective age a repair removes (0: as bad as old, 1: as good as new). */
    repairRestores: probabilitySchema,
    /** Preventive service every this many days (postponed while the unit is in use). */
    serviceIntervalDays: z.number().positive(),
    serviceHours: distributionSchema,
    serviceRestores: probabilitySchema,
    /** A failure while in use harms what the unit holds with this probability (a batch fails; product in storage or transit has an excursion). */
    lossProbability: probabilitySchema,
    telemetry: z
      .object({
        readingsPerDay: z.number().int().positive(),
        /** Drift and noise grow over this many days before a failure. */
        precursorDays: z.number().positive(),
        /** Noise on the day of a failure is (1 + this) × the healthy noise. */
        noiseGrowth: z.number().min(0),
        /** A day with a gateway outage: a share of the day's readings is missing. */
        gapProbabilityPerDay: probabilitySchema,
        metrics: z.array(metricSchema).min(1),
      })
      .strict(),
  })
  .strict();

export const equipmentParametersSchema = z
  .object({
    bioreactor: kindSchema,
    freezer: kindSchema,
    ln2_tank: kindSchema,
    dry_shipper: kindSchema,
    /** Effective age of each unit when the simulation starts, days. */
    initialAgeDays: distributionSchema,
    /** A failed freezer or tank's product is moved to a spare within this many hours (the excursion lasts that long). */
    storageTransferHours: distributionSchema,
    /** A return-leg dry shipper travels back to its facility in this many days after delivery. */
    shipperBackhaulDays: distributionSchema,
  })
  .strict();

export type EquipmentKindParameters = z.infer<typeof kindSchema>;
export type EquipmentParameters = z.infer<typeof equipmentParametersSchema>;
export const SIMULATED_EQUIPMENT_KINDS = ['bioreactor', 'freezer', 'ln2_tank', 'dry_shipper'] as const;
export type SimulatedEquipmentKind = (typeof SIMULATED_EQUIPMENT_KINDS)[number];
