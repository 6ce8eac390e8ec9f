import { z } from 'zod';
import { isLocalDate } from './calendar-day.js';
import { PLAIN_ID } from './ids.js';
import { zonedInstant } from './instant.js';
import { textRefSchema, type TextRef } from './command-text.js';
import { boundedData, safeText, TEXT_LIMITS } from './text.js';

/**
 * The commands people and partner systems send about a batch. One source for the HTTP bodies,
 * the OpenAPI document, the workflow's update and signal payloads and their TypeScript types.
 */
export const HANDOFF_STEPS = ['collection', 'outbound-pickup', 'facility-receipt', 'return-pickup', 'site-receipt', 'infusion'] as const;
export type HandoffStep = (typeof HANDOFF_STEPS)[number];

export const MILESTONES = [
  'apheresis-scheduled',
  'manufacturing-started',
  'activation-complete',
  'transduction-complete',
  'expansion-complete',
  'harvest-complete',
  'cryopreservation-complete',
  'qc-complete',
  'manufacturing-failed',
  'physician-acceptance',
  'recollection-scheduled',
  // The apheresis centre moves a batch's chained collection day (`data.proposedDay`): the chain is re-planned.
  'collection-rescheduled',
] as const;
export type Milestone = (typeof MILESTONES)[number];

const isoInstant = zonedInstant();

export const actorSchema = z.object({
  name: safeText({ max: TEXT_LIMITS.name }).describe('Printed name (at most 200 characters).'),
  role: safeText({ max: TEXT_LIMITS.role }),
  /**
   * The signer's user id, on a signature only: set by the API after the signing password was
   * checked, and kept in the custody record's data, which links the signature to its signer (§11.70).
   */
  userId: safeText({ max: TEXT_LIMITS.name }).optional(),
});
export type Actor = z.infer<typeof actorSchema>;

/**
 * The second component of an electronic signature (Part 11 §11.200), re-entered at each signing.
 * It is checked at the HTTP edge and removed there: it never reaches the workflow, a log or an error.
 */
export const signingPasswordSchema = z.string().min(1, 'the signing password must be re-entered to sign').max(1024);

/**
 * Request bodies of the HTTP API. The token, not the body, decides who acts: an `actor` or `signer`
 * a body still carries (older clients) is optional and replaced by the authenticated identity
 * before the command reaches the workflow, whose own schemas below keep them required.
 */
const bodyActor = actorSchema.omit({ userId: true }).optional().describe('Ignored: the token names who acts.');

/** Ids of V2V's own reference data (products, sites): short and plain. */
const referenceId = z.string().min(1).max(64).regex(PLAIN_ID, 'only letters, digits and . _ : - are allowed');

export const enrolSchema = z.object({
  productId: referenceId,
  treatmentCenterId: referenceId,
  apheresisCenterId: referenceId,
  facilityId: referenceId.optional(),
  /** The hospital's own pseudonymous reference, never a name or a record number. */
  patientRef: safeText({ max: TEXT_LIMITS.patientRef }),
  /**
   * The slot chain chosen from GET /v1/slot-chains (its `enrolWith`): booked with the batch in one
   * transaction, or 409 if it is gone. Without it, the earliest feasible chain is booked, or the
   * batch waits for one.
   */
  chain: z
    .object({
      collectionDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar date YYYY-MM-DD').refine(isLocalDate, { message: 'not a real calendar date' }),
      facilityId: referenceId,
    })
    .strict()
    .optional(),
});
export type EnrolCommand = z.infer<typeof enrolSchema>;

const scanLocation = safeText({ max: TEXT_LIMITS.location });
/** What a scan names besides who, where and when: the step, the bag's COI id and DIN. */
const scanned = {
  step: z.enum(HANDOFF_STEPS),
  coiId: safeText({ max: TEXT_LIMITS.code }),
  din: safeText({ max: TEXT_LIMITS.code }),
};

/**
 * The handoff Update's payload: a reference to the location the API stored (`locationRef`), as a
 * caller's free text may name a patient; or the location itself in older histories and from the
 * twin, which names sites by id.
 */
export const handoffSchema = z
  .object({
    ...scanned,
    actor: actorSchema,
    location: scanLocation.optional(),
    locationRef: textRefSchema.optional(),
    at: isoInstant.optional(),
  })
  .refine((c) => c.location !== undefined || c.locationRef !== undefined, { message: 'a location (or a reference to the stored location) is required', path: ['location'] });
export type HandoffCommand = z.infer<typeof handoffSchema>;
export const handoffRequestSchema = z.object({
  ...scanned,
  actor: bodyActor,
  location: scanLocation,
  at: isoInstant.optional(),
});

/**
 * The days an apheresis centre names about a batch's slot chain: the day it proposes instead
 * (`proposedDay`), or the chain's day it confirms (`collectionDay`). Checked at the edge, so a
 * malformed day is a 400 naming the field rather than a report the journey quietly refuses.
 */
const CHAIN_DAY_KEYS = ['proposedDay', 'collectionDay'] as const;
const milestoneData = boundedData().check((ctx) => {
  for (const key of CHAIN_DAY_KEYS) {
    const day = ctx.value[key];
    if (day !== undefined && !(typeof day === 'string' && isLocalDate(day))) ctx.issues.push({ code: 'custom', message: 'must be a calendar date (YYYY-MM-DD)', path: [key], input: day });
  }
});

export const milestoneSchema = z.object({
  milestone: z.enum(MILESTONES),
  at: isoInstant,
  source: safeText({ max: TEXT_LIMITS.source }),
  data: milestoneData
    .optional()
    .describe('Partner-defined JSON: at most 4096 bytes, 4 levels deep, keys up to 64 characters. For a batch with a slot chain, `proposedDay` (or `collectionDay`) is a calendar date at the apheresis centre, YYYY-MM-DD.'),
  /** Who reported it: the API's authenticated caller (optional, as older histories carry none). */
  actor: actorSchema.optional(),
  /**
   * The full partner data, kept in PostgreSQL by the API: the signal's `data` then holds only the
   * keys the journey reads (MILESTONE_FACT_KEYS). Older histories carry the whole data and no reference.
   */
  dataRef: textRefSchema.optional(),
});
export type MilestoneCommand = z.infer<typeof milestoneSchema>;
/** The HTTP body: `source` and `actor` are the token's (the API sets both); a body's `source` is ignored. */
export const milestoneRequestSchema = milestoneSchema
  .omit({ actor: true, dataRef: true })
  .extend({ source: z.string().optional().describe('Ignored: the token names the reporter, recorded as the source.') });

const QA_DECISIONS = ['release', 'reject', 'conditional-release'] as const;
const qaMeaning = safeText({ max: TEXT_LIMITS.meaning, multiline: true });
const qaReason = safeText({ max: TEXT_LIMITS.reason, multiline: true });
const reasonGiven = (d: { decision: string; reason?: string | undefined; reasonRef?: TextRef | undefined }) => d.decision === 'release' || d.reason !== undefined || d.reasonRef !== undefined;
const reasonRule = [reasonGiven, { message: 'a reason is required to reject or to release conditionally', path: ['reason'] }] as [
  typeof reasonGiven,
  { message: string; path: string[] },
];
const meaningGiven = (d: { meaning?: string | undefined; meaningRef?: TextRef | undefined }) => d.meaning !== undefined || d.meaningRef !== undefined;
const meaningRule = [meaningGiven, { message: 'a meaning (or a reference to the stored meaning) is required', path: ['meaning'] }] as [
  typeof meaningGiven,
  { message: string; path: string[] },
];

/**
 * The QA disposition Update's payload: references to the signer's meaning and reason the API
 * stored (`meaningRef`, `reasonRef`), as a careless signer's words may name a patient; or the
 * texts themselves in older histories and from the twin, whose words are its own.
 */
export const qaDispositionSchema = z
  .object({
    decision: z.enum(QA_DECISIONS),
    signer: actorSchema,
    meaning: qaMeaning.optional(),
    meaningRef: textRefSchema.optional(),
    reason: qaReason.optional(),
    reasonRef: textRefSchema.optional(),
  })
  .refine(...meaningRule)
  .refine(...reasonRule);
export type QaDispositionCommand = z.infer<typeof qaDispositionSchema>;
export const qaDispositionRequestSchema = z
  .object({ decision: z.enum(QA_DECISIONS), signer: bodyActor, meaning: qaMeaning, reason: qaReason.optional(), signingPassword: signingPasswordSchema })
  .refine(...reasonRule);

const IMPACTS = ['none', 'quarantine', 'reject'] as const;
/** The assessment Update's payload: a reference to the signer's meaning (`meaningRef`), or the meaning itself in older histories and from the twin. */
export const assessmentSchema = z
  .object({
    impact: z.enum(IMPACTS),
    signer: actorSchema,
    meaning: qaMeaning.optional(),
    meaningRef: textRefSchema.optional(),
  })
  .refine(...meaningRule);
export type AssessmentCommand = z.infer<typeof assessmentSchema> & { excursionId: string };
export const assessmentRequestSchema = z.object({ impact: z.enum(IMPACTS), signer: bodyActor, meaning: qaMeaning, signingPassword: signingPasswordSchema });

export const bookingSchema = z.object({
  infusionDate: z
    .union([isoInstant, z.iso.date()])
    .describe("A calendar day at the treatment centre (YYYY-MM-DD, in the site's time zone); an instant on a compressed clock."),
  chair: safeText({ max: TEXT_LIMITS.code }).optional(),
});

/**
 * A booking's calendar day resolved to instants where the time-zone data lives (the API), so the
 * workflow never reads a zone database: the day [start, end) and its LD course in local days.
 */
export const bookingDaySchema = z.object({
  date: z.iso.date(),
  timeZone: z.string().min(1),
  start: isoInstant,
  end: isoInstant,
  ldStart: isoInstant,
  ldEnd: isoInstant,
});

/** The booking Update's payload: the body, plus what the API adds (both optional, so older histories replay). */
export const bookingPayloadSchema = bookingSchema.extend({ day: bookingDaySchema.optional(), actor: actorSchema.optional() });
export type BookingCommand = z.infer<typeof bookingPayloadSchema>;
/** Cancelling a booking: who asked (optional, as older histories carry no payload). */
export const cancelBookingSchema = z.object({ actor: actorSchema.optional() });
export type CancelBookingCommand = z.infer<typeof cancelBookingSchema>;

const cancelReason = safeText({ max: TEXT_LIMITS.reason, multiline: true });
/**
 * The cancel Update's payload: a reference to the reason the API stored (`reasonRef`), or the
 * reason itself in older histories and from the workflow's own withdrawal ('workflow cancelled').
 */
export const cancelSchema = z
  .object({
    reason: cancelReason.optional(),
    reasonRef: textRefSchema.optional(),
    actor: actorSchema,
  })
  .refine((c) => c.reason !== undefined || c.reasonRef !== undefined, { message: 'a reason (or a reference to the stored reason) is required', path: ['reason'] });
export type CancelCommand = z.infer<typeof cancelSchema>;
export const cancelRequestSchema = z.object({ reason: cancelReason, actor: bodyActor });
