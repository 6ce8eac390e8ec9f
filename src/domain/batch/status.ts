import { z } from 'zod';
import { actorSchema, assessmentSchema, HANDOFF_STEPS, MILESTONES } from '../commands.js';
import { instant } from '../instant.js';
import { SHIPMENT_LEGS, STAGES } from '../stages.js';
import { CHAIN_STATUSES, slotChainSchema } from './chain-schema.js';
import { ISSUE_KINDS, ISSUE_STATES } from './types.js';

/**
 * What the batch workflow's status query answers, written once: the workflow's query, the
 * activities and the API's responses (and so the OpenAPI document) all take their types from here.
 * Workflow code imports the types only (`import type`), so these schemas stay out of its bundle.
 */
const stage = z.enum(STAGES);

export const chainHoldSchema = z.object({
  status: z.enum(CHAIN_STATUSES),
  /** The chain held (or, once released, the last one held); none while waitlisted. */
  current: slotChainSchema.optional(),
});
export type ChainHold = z.output<typeof chainHoldSchema>;

export const awaitingSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('handoff'), step: z.enum(HANDOFF_STEPS) }),
    z.object({ kind: z.literal('milestone'), milestone: z.enum(MILESTONES) }),
    z.object({ kind: z.literal('qa-disposition') }),
    z.object({ kind: z.literal('excursion-assessment'), excursionId: z.string() }),
    z.object({ kind: z.literal('infusion-booking'), earliest: instant, latest: instant }),
    z.object({ kind: z.literal('timer'), until: instant, reason: z.string() }),
    // A waitlisted batch waits for the allocator to give it a chain; a slipped one for its re-plan.
    z.object({ kind: z.literal('chain'), status: z.enum(['waitlisted', 'replanning']), reason: z.string() }),
  ])
  .nullable()
  .describe('What the batch waits for next; null once it has reached an end state.');
/** What the batch waits for next (DESIGN §5); null once it has reached an end state. */
export type Awaiting = z.output<typeof awaitingSchema>;

/** An excursion (from ingest) or a deviation (raised by the journey) that QA must assess; a scan mismatch does not block. */
export const issueSchema = z.object({
  id: z.string(),
  kind: z.enum(ISSUE_KINDS),
  reason: z.string(),
  blocking: z.boolean().describe('A blocking issue holds the batch (ON_HOLD) until QA assesses it.'),
  openedAt: instant,
  closedAt: instant.optional(),
  state: z.enum(ISSUE_STATES),
  assessment: z.object({ impact: assessmentSchema.shape.impact, signer: actorSchema, at: instant }).optional(),
});
export type Issue = z.output<typeof issueSchema>;

export const timelineEntrySchema = z.object({ at: instant, event: z.string(), stage: stage.optional(), detail: z.string().optional() });
export type TimelineEntry = z.output<typeof timelineEntrySchema>;

export const shipmentRefSchema = z.object({ shipmentId: z.string(), leg: z.enum(SHIPMENT_LEGS), state: z.enum(['in_transit', 'delivered', 'cancelled']) });
export type ShipmentRef = z.output<typeof shipmentRefSchema>;

/**
 * The booked infusion as the status shows it (`infusionDate`: the instant the infusion day begins);
 * the journey keeps more of a calendar-day booking (`Booking`).
 */
export const bookingResultSchema = z
  .object({ infusionDate: z.string(), ldStart: z.string(), ldEnd: z.string(), chair: z.string() })
  .meta({ id: 'InfusionBooking' });
export type InfusionBooking = z.output<typeof bookingResultSchema>;

/** One target's band, as instants, and what made it. */
export const forecastBandSchema = z.object({
  method: z.string().describe('model, empirical-baseline (no active model), profile-nominal (too little history), or observed (already reached).'),
  modelId: z.string().optional(),
  p10: instant,
  p50: instant,
  p90: instant,
});
export type ForecastBand = z.output<typeof forecastBandSchema>;

/** The forecast made at the batch's latest landmark (a stage entry or milestone). */
export const forecastSchema = z
  .object({
    method: z.string().describe('model when every band still ahead came from an active model, else the baseline used.'),
    modelIds: z.array(z.string()),
    stage,
    at: instant.describe('The landmark (stage entry or milestone) the forecast was made at.'),
    release: forecastBandSchema.describe('When the batch is released; once released, the release itself.'),
    infusionReady: forecastBandSchema.optional().describe('When the product is at the treatment centre, while that is still ahead.'),
    readyP10: instant.describe('release.p10, under its first name.'),
    readyP50: instant.describe('release.p50, under its first name.'),
    readyP90: instant.describe('release.p90, under its first name.'),
    atRisk: z.boolean().describe("P90 of infusion-ready is after the booking's LD start."),
    safeFrom: instant.optional().describe('When at risk: the earliest infusion day whose LD starts at or after P90 of infusion-ready.'),
  })
  .meta({ id: 'Forecast' });
export type Forecast = z.output<typeof forecastSchema>;

export const batchStatusSchema = z.object({
  batchId: z.string(),
  coiId: z.string(),
  productId: z.string(),
  stage,
  attempt: z.number().int(),
  din: z.string().optional(),
  awaiting: awaitingSchema,
  timeline: z.array(timelineEntrySchema),
  issues: z.array(issueSchema),
  shipments: z.array(shipmentRefSchema),
  booking: bookingResultSchema.optional(),
  quarantined: z.boolean(),
  forecast: forecastSchema.optional(),
  chain: chainHoldSchema.optional().describe('The slot chain the batch holds (absent for a batch enrolled without one).'),
  timeScale: z
    .number()
    .positive()
    .optional()
    .describe("The batch's clock as enrolled (V2V_TIME_SCALE): 1 is real time; N > 1 runs N times faster, so its instants are shown as simulated ones (a demo, a test)."),
});
export type BatchStatus = z.output<typeof batchStatusSchema>;
