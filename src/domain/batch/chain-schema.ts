import { z } from 'zod';
import { isLocalDate } from '../calendar-day.js';

/**
 * The slot chain's shape, written once (issue 18). It lives apart from status.ts because the
 * decider validates a chain it is told (the allocator's signal is outside input), so this schema is
 * in the workflow bundle, while the status schemas are not.
 */

/** A calendar day at a site, `YYYY-MM-DD` (a real date: 2027-02-30 is refused). */
export const localDaySchema = z.string().refine(isLocalDate, { message: 'must be a calendar date (YYYY-MM-DD)' });

/**
 * A batch's slot chain: its collection day at the apheresis centre, its line window at the
 * facility (lineStartDay … lineEndDay − 1) and the infusion day it implies, as local days at each
 * site. `version` is 1 at enrolment and +1 per re-plan, so a chain told twice is recognised.
 */
export const slotChainSchema = z
  .object({
    version: z.number().int().positive(),
    facilityId: z.string().min(1).max(200),
    collectionDay: localDaySchema,
    lineStartDay: localDaySchema,
    lineEndDay: localDaySchema,
    infusionDay: localDaySchema,
  })
  .refine((c) => c.collectionDay <= c.lineStartDay && c.lineStartDay < c.lineEndDay && c.lineEndDay <= c.infusionDay, {
    message: 'the days must follow one another: collection ≤ line start < line end ≤ infusion',
    path: ['lineStartDay'],
  })
  .meta({ id: 'SlotChain' });
export type SlotChain = z.output<typeof slotChainSchema>;

/** Where the batch stands with its chain: held, being re-planned, waiting for one, or given back. */
export const CHAIN_STATUSES = ['held', 'replanning', 'waitlisted', 'released'] as const;
export type ChainStatus = (typeof CHAIN_STATUSES)[number];

/**
 * A disruption moved the batch's chain (a line down, a collection day closed): the version it held
 * (`from`), the chain booked instead, or null when none fits and the batch now waits. `why` is the
 * disruption in a few words ("line down"), for the timeline; it names no patient.
 */
export const chainMoveSchema = z.object({
  from: z.number().int().positive(),
  chain: slotChainSchema.nullable(),
  why: z.string().min(1).max(200),
}).meta({ id: 'ChainMove' });
export type ChainMove = z.output<typeof chainMoveSchema>;
