import { z } from 'zod';

/**
 * A random quantity in a scenario: how long something takes, how many cells are collected. The
 * unit is the field's (days, hours, 10^9 cells). A bare number is a fixed value, so a parameter
 * nobody has measured the spread of reads as what it is.
 */
const nonNegative = z.number().min(0);
const positive = z.number().positive();

const fixed = z.object({ kind: z.literal('fixed'), value: nonNegative }).strict();
/** Memoryless waits (arrivals, hazards): only the mean is known. */
const exponential = z.object({ kind: z.literal('exponential'), mean: positive }).strict();
/** Durations with a long right tail; `sigma` is the standard deviation of ln(x). */
const lognormal = z.object({ kind: z.literal('lognormal'), median: positive, sigma: nonNegative }).strict();
/** Durations given as a mean and a coefficient of variation (sd / mean). */
const gamma = z.object({ kind: z.literal('gamma'), mean: positive, cv: positive }).strict();
/** Expert estimates: least, most likely and largest value. */
const triangular = z
  .object({ kind: z.literal('triangular'), min: nonNegative, mode: nonNegative, max: nonNegative })
  .strict()
  .refine((d) => d.min <= d.mode && d.mode <= d.max && d.min < d.max, { message: 'a triangular distribution needs min ≤ mode ≤ max and min < max', path: ['mode'] });
const uniform = z
  .object({ kind: z.literal('uniform'), min: nonNegative, max: nonNegative })
  .strict()
  .refine((d) => d.min < d.max, { message: 'a uniform distribution needs min < max', path: ['max'] });

export const distributionSchema = z.preprocess(
  (value) => (typeof value === 'number' ? { kind: 'fixed', value } : value),
  z.discriminatedUnion('kind', [fixed, exponential, lognormal, gamma, triangular, uniform]),
);
export type Distribution = z.infer<typeof distributionSchema>;

export const probabilitySchema = z.number().min(0).max(1);
