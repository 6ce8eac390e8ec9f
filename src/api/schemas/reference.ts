import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { INFEASIBLE_REASONS } from '../../domain/infusion-feasibility.js';
import { productProfileSchema } from '../../domain/profile.js';
import { SITE_KINDS } from '../../domain/stages.js';

/** Response shapes of the reference-data and infusion-slot routes. */

export const productListSchema = z.object({
  products: z.array(z.object({ id: z.string(), name: z.string(), version: z.number().int(), profile: productProfileSchema })),
});

export const siteListSchema = z.object({
  sites: z.array(z.object({ id: z.string(), kind: z.enum(SITE_KINDS), name: z.string(), timezone: z.string() })),
});

export const slotsParams = z.object({ siteId: z.string().min(1) });

const dayOrInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const slotsQuery = z.object({
  batchId: z.uuid().optional().describe("Judges each day for this batch (feasible, reasons, alternatives) and defaults the range to its infusion window."),
  from: dayOrInstant.optional().describe("Start of the range (a date is a local date at the site); default: the window opens, else now."),
  to: dayOrInstant.optional().describe("End of the range (a date is included, as a local date); default: the window closes, else 28 days after `from`."),
});

const localDate = z.string().meta({ format: 'date' });

const reasonSchema = z.object({
  code: z.enum(INFEASIBLE_REASONS),
  message: z.string(),
});

/** One calendar day at the treatment centre, in its time zone: 23 or 25 hours on a daylight-saving change. */
const slotDaySchema = z.object({
  date: localDate,
  start: instant.describe('Local midnight.'),
  end: instant.describe('The next local midnight.'),
  chairs: z.object({ total: z.number().int(), free: z.number().int() }),
  feasible: z.boolean().optional().describe('With batchId: whether this batch can be infused on this day (its own booking does not count against it).'),
  reasons: z.array(reasonSchema).optional().describe('With batchId: why not, as codes and sentences; empty when feasible.'),
});

const alternativeSchema = z.object({ date: localDate, start: instant, freeChairs: z.number().int() });

export const slotsResultSchema = z
  .object({
    siteId: z.string(),
    from: instant,
    to: instant,
    window: z
      .object({ earliest: instant, latest: instant })
      .nullable()
      .describe('When the batch may be infused; null without batchId or when the batch is not waiting for a booking.'),
    chairs: z.array(
      z.object({
        chair: z.string(),
        bookings: z.array(
          z.object({
            batchId: z.string(),
            from: instant,
            to: instant,
            ldStart: instant.nullable(),
            atRisk: z.boolean().describe('As of the latest forecast, the LD starts before the product can be at the site.'),
          }),
        ),
      }),
    ),
    timeZone: z.string().describe("The site's IANA time zone: every date is a day there."),
    days: z.array(slotDaySchema).describe('Each local day from `from` to `to`.'),
    atRisk: z.boolean().optional().describe("With batchId: the batch's booking is at risk: its LD starts before the product can be at the site (the forecast's P90 of infusion-ready, or the release plus the return transit)."),
    alternatives: z
      .array(alternativeSchema)
      .optional()
      .describe('With batchId: the next feasible days with a free chair (up to 3), in its whole window: the earliest safe alternatives.'),
  })
  .meta({ id: 'InfusionSlots' });

/** A booking as the workflow holds it, with its calendar day at the site when booked by date. */
export const calendarBookingSchema = z
  .object({
    infusionDate: z.string().describe('When the infusion day begins (local midnight at the site for a calendar day).'),
    ldStart: z.string(),
    ldEnd: z.string(),
    chair: z.string(),
    date: localDate.optional().describe('The calendar day at the treatment centre.'),
    timeZone: z.string().optional(),
    until: z.string().optional().describe('When the day ends: the next local midnight, 23–25 hours later.'),
  })
  .meta({ id: 'InfusionCalendarBooking' });

export const healthSchema = z.object({ status: z.literal('ok') });

export const readySchema = z.object({
  status: z.literal('ready'),
  checks: z.object({ postgres: z.literal('up'), temporal: z.literal('up') }),
});
