import { z } from 'zod';
import { CAPACITY_RESOURCES, SLOT_CHAIN_STATES } from '../../db/schema/capacity.js';
import { isLocalDate } from '../../domain/calendar-day.js';
import { PLAIN_ID } from '../../domain/ids.js';
import { instant } from '../../domain/instant.js';
import { safeText, TEXT_LIMITS } from '../../domain/text.js';

/** Request and response shapes of the slot-chain and capacity routes (issue 18). */

/** A calendar day at a site, `YYYY-MM-DD`, that exists (2031-02-30 does not). */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar date YYYY-MM-DD')
  .refine(isLocalDate, { message: 'not a real calendar date' })
  .meta({ format: 'date' });

const referenceId = z.string().min(1).max(64).regex(PLAIN_ID, 'only letters, digits and . _ : - are allowed');

export const SLOT_CHAIN_LIMIT = 20;
export const MAX_CHAIN_HORIZON_DAYS = 180;

export const slotChainsQuery = z.object({
  productId: referenceId,
  treatmentCenterId: referenceId,
  apheresisCenterId: referenceId,
  facilityId: referenceId.optional().describe('Only chains through this facility; default: every facility.'),
  from: calendarDate.optional().describe('No collection before this local date at the apheresis centre; default: today there.'),
  horizonDays: z.coerce.number().int().min(1).max(MAX_CHAIN_HORIZON_DAYS).default(90).describe('Every step of a chain falls within this many days.'),
});

const band = z.object({ p10: instant, p50: instant, p90: instant });

export const slotChainSchema = z
  .object({
    collection: z.object({ apheresisCenterId: z.string(), day: calendarDate }),
    manufacturing: z.object({
      facilityId: z.string(),
      lineStartDay: calendarDate.describe("The line is held from this local day (the material's arrival)…"),
      lineEndDay: calendarDate.describe('…until this local day, excluded (manufacturing and QC done).'),
    }),
    infusion: z.object({
      treatmentCenterId: z.string(),
      earliestDay: calendarDate.describe('The first day the product can be infused: return transit, the LD course and its rest after the line.'),
      latestDay: calendarDate.describe("The last day the product's rule allows (receipt + maxDaysReceiptToInfusion)."),
    }),
    forecast: z.object({
      method: z.enum(['empirical-baseline', 'profile-nominal']).describe("empirical-baseline: quantiles of the product's past batches from collection; profile-nominal: the profile's durations with the nominal band."),
      release: band,
      infusionReady: band.describe('When the product is at the treatment centre.'),
    }),
    enrolWith: z.object({ collectionDay: calendarDate, facilityId: z.string() }).describe('The `chain` to send with POST /v1/batches to book this chain.'),
  })
  .meta({ id: 'SlotChainOffer' });

export const slotChainListSchema = z.object({
  startDate: calendarDate.describe('Plan day 0.'),
  horizonDays: z.number().int(),
  chains: z.array(slotChainSchema).describe(`The first ${SLOT_CHAIN_LIMIT} feasible chains, earliest infusion first.`),
});

/** A batch's chain as enrolment booked it. */
export const bookedChainSchema = z
  .object({
    chainId: z.uuid(),
    version: z.number().int(),
    state: z.enum(SLOT_CHAIN_STATES),
    collectionDay: calendarDate,
    collectionSlot: z.string().nullable(),
    facilityId: z.string(),
    line: z.string().nullable(),
    lineStartDay: calendarDate,
    lineEndDay: calendarDate,
    infusionDay: calendarDate,
  })
  .meta({ id: 'BookedChain' });

export const siteParams = z.object({ siteId: referenceId });

export const capacityExceptionBody = z
  .object({
    resource: z.enum(CAPACITY_RESOURCES).describe('collection: an apheresis centre; line: a facility; chair: a treatment centre.'),
    line: z.string().regex(/^line-[1-9]\d{0,2}$/, 'a line name, line-1 … line-999').optional().describe('For resource line: the one line closed (capacity 0).'),
    fromDay: calendarDate,
    toDay: calendarDate,
    capacity: z.number().int().min(0).max(1000).describe('Capacity on those local days (0 closes).'),
    reason: safeText({ max: TEXT_LIMITS.reason }),
  })
  .strict();

export const capacityExceptionSchema = z
  .object({
    id: z.uuid(),
    siteId: z.string(),
    resource: z.enum(CAPACITY_RESOURCES),
    line: z.string().nullable(),
    fromDay: calendarDate,
    toDay: calendarDate,
    capacity: z.number().int(),
    reason: z.string(),
    setBy: z.string().describe("The subject of the token that set it."),
    createdAt: instant,
  })
  .meta({ id: 'CapacityException' });

export const affectedChainSchema = z.object({ batchId: z.uuid(), chainId: z.uuid(), version: z.number().int(), reason: z.string().describe('What the exception takes from this chain.') });

const movedChainSchema = z.object({ version: z.number().int(), facilityId: z.string(), collectionDay: calendarDate, infusionDay: calendarDate });

/** What the exception did: the live chains it took capacity from, those it moved (or put on the waitlist), those it could not move. */
export const exceptionOutcomeSchema = z.object({
  affected: z.array(affectedChainSchema).describe('Live chains holding capacity the exception removes.'),
  moved: z.array(z.object({
    batchId: z.uuid(),
    from: movedChainSchema,
    to: movedChainSchema.nullable().describe('The chain booked instead; null: none fits the horizon and the batch is on the waitlist.'),
    message: z.string().describe("What moved, as the batch's alert says it."),
  })).describe('Booked chains re-planned in the same transaction, earliest collection first (each also has an alert, kind chain-replanned).'),
  kept: z.array(z.object({ batchId: z.uuid(), reason: z.string() })).describe('Affected chains not moved (the cells are collected, or the batch is on hold): a person decides.'),
});

export const capacityExceptionCreatedSchema = z.object({ exception: capacityExceptionSchema }).extend(exceptionOutcomeSchema.shape);

export const capacityExceptionListSchema = z.object({ exceptions: z.array(capacityExceptionSchema) });

export const capacityViewQuery = z.object({
  from: calendarDate.optional().describe("First local day at the facility; default: today there."),
  days: z.coerce.number().int().min(1).max(92).default(28),
});

export const LINE_CELL_STATES = ['free', 'reserved', 'reserved-ahead', 'blocked-maintenance', 'blocked-exception'] as const;

export const capacityViewSchema = z.object({
  siteId: z.string(),
  timeZone: z.string(),
  days: z.array(calendarDate),
  lines: z.array(
    z.object({
      line: z.string(),
      cells: z.array(z.object({ day: calendarDate, state: z.enum(LINE_CELL_STATES), batchId: z.uuid().optional().describe('The batch holding the line that day.') })),
    }),
  ),
});
