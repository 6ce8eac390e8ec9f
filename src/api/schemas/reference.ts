import { z } from 'zod';
import { productProfileSchema } from '../../domain/profile.js';
import { SITE_KINDS } from '../../domain/stages.js';

/** Response shapes of the reference-data and infusion-slot routes. */
const instant = z.string().meta({ format: 'date-time' });

export const productListSchema = z.object({
  products: z.array(z.object({ id: z.string(), name: z.string(), version: z.number().int(), profile: productProfileSchema })),
});

export const siteListSchema = z.object({
  sites: z.array(z.object({ id: z.string(), kind: z.enum(SITE_KINDS), name: z.string(), timezone: z.string() })),
});

export const slotsParams = z.object({ siteId: z.string().min(1) });

const dayOrInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const slotsQuery = z.object({
  batchId: z.uuid().optional().describe("Adds the batch's allowed infusion window and defaults the range to it."),
  from: dayOrInstant.optional().describe('Start of the range; default: the window opens, else now.'),
  to: dayOrInstant.optional().describe('End of the range; default: the window closes, else 28 days after `from`.'),
});

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
        bookings: z.array(z.object({ batchId: z.string(), from: instant, to: instant, ldStart: instant.nullable() })),
      }),
    ),
  })
  .meta({ id: 'InfusionSlots' });

export const healthSchema = z.object({ status: z.literal('ok') });

export const readySchema = z.object({
  status: z.literal('ready'),
  checks: z.object({ postgres: z.literal('up'), temporal: z.literal('up') }),
});
