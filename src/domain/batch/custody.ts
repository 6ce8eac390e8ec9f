import type { Actor, AssessmentCommand, HandoffCommand, QaDispositionCommand } from '../commands.js';
import type { Booking, JourneyEvent, JourneyState } from './types.js';

/** The system itself as the actor of records nobody signed (escalations, deviations it detected). */
export const SYSTEM_ACTOR: Actor = { name: 'V2V orchestrator', role: 'system' };
/** Who booked when the API named nobody (before authentication, and in older histories). */
export const SCHEDULER_ACTOR: Actor = { name: 'hospital scheduler (unauthenticated API)', role: 'scheduler' };

/** A booking's day as a record names it: the local date when booked by calendar day. */
const dayOf = (b: { infusionDate: string; date?: string }) => b.date ?? b.infusionDate;

/**
 * The link from a signed record to its signer (Part 11 §11.70): the user id the API put on the
 * signer after checking the signing password. Absent on signatures made before authentication.
 */
function signatureOf(signer: Actor): { signature?: { userId: string; method: 'signing-password' } } {
  return signer.userId === undefined ? {} : { signature: { userId: signer.userId, method: 'signing-password' } };
}

/** A booking asked for again: a move to another day, or to another chair the same day, or nothing changed (a repeat). */
function moveMeaning(from: Booking, to: { infusionDate: string; date?: string; chair?: string }): string {
  if (from.infusionDate !== to.infusionDate) return `infusion moved from ${dayOf(from)} to ${dayOf(to)}`;
  if (to.chair && to.chair !== from.chair) return `infusion moved from ${from.chair} to ${to.chair} on ${dayOf(to)}`;
  return `infusion booking for ${dayOf(to)} asked again: unchanged`;
}

/** One record of the chain of custody, as an event implies it (who, what, where, the meaning of the signature). */
export interface CustodyContent {
  kind: string;
  step?: string;
  actor: Actor;
  location?: string;
  meaning: string;
  data?: Record<string, unknown>;
  occurredAt: string;
  /** A record named by what it is (a leg's deviation), rather than by its place in the chain. */
  key?: string;
}

/**
 * The meaning of a QA signature (§11.50) by what was signed, when the signer's own words are a
 * stored text the record only references: the record says what the signature means, and readers
 * of the trail are shown the signer's words beside it.
 */
export const QA_DECISION_MEANINGS = { release: 'released for infusion', 'conditional-release': 'released on condition of physician acceptance', reject: 'rejected' } as const satisfies Record<QaDispositionCommand['decision'], string>;
export const IMPACT_MEANINGS = {
  none: 'no impact on product quality',
  quarantine: 'quarantined: conditional release only',
  reject: 'product quality compromised',
} as const satisfies Record<AssessmentCommand['impact'], string>;

/** The stored location a scan names by reference: readers of the trail are shown its text beside the record. */
const locationRefOf = (scan: HandoffCommand) => (scan.locationRef ? { locationRef: scan.locationRef } : {});

/**
 * The custody record an event adds to the batch's chain, if any: hand-offs, deviations, QA
 * dispositions, assessments, escalations, bookings and cancellations. `s` is the state before the
 * event. The workflow writes these through its activities; the twin's history mode writes the same.
 */
export function custodyRecordOf(e: JourneyEvent, s: JourneyState): CustodyContent | undefined {
  switch (e.type) {
    case 'handoff-verified':
      return {
        kind: 'handoff', step: e.scan.step, actor: e.scan.actor, location: e.scan.location,
        meaning: 'custody transferred; identity verified', data: { coiId: s.input.coiId, din: e.din, ...locationRefOf(e.scan) }, occurredAt: e.scan.at ?? e.at,
      };
    case 'scan-refused':
      return {
        kind: 'deviation', step: e.scan.step, actor: e.scan.actor, location: e.scan.location,
        meaning: 'identity check failed: material not accepted', data: { code: e.code, ...locationRefOf(e.scan) }, occurredAt: e.scan.at ?? e.at,
      };
    case 'qa-disposed': {
      const { decision, signer, meaning, meaningRef, reason, reasonRef } = e.decision;
      return {
        kind: 'qa-disposition', actor: signer, meaning: meaning ?? QA_DECISION_MEANINGS[decision],
        // References to the signer's words where the API stored them; older histories and the twin carry the reason itself.
        data: { decision, ...(meaningRef ? { meaningRef } : {}), ...(reasonRef ? { reasonRef } : reason ? { reason } : {}), ...signatureOf(signer) }, occurredAt: e.at,
      };
    }
    case 'issue-opened': {
      if (e.issue.kind === 'deviation' && e.refusedCommand) {
        return { key: e.issue.id, kind: 'deviation', actor: SYSTEM_ACTOR, meaning: 'command not applied: the database refused its data', data: { command: e.refusedCommand, reason: e.issue.reason }, occurredAt: e.at };
      }
      if (e.issue.kind === 'deviation' && e.cause === 'infusion-window-closed') {
        const meaning = 'infusion window closed: no infusion can be booked within the product’s shelf life';
        return { key: e.issue.id, kind: 'deviation', actor: SYSTEM_ACTOR, meaning, data: { receivedAt: s.receivedAtSite, attempt: s.attempt }, occurredAt: e.at };
      }
      if (e.issue.kind !== 'deviation' || !e.shipmentId) return undefined;
      const leg = s.shipments.find((x) => x.shipmentId === e.shipmentId)?.leg;
      return { key: e.issue.id, kind: 'deviation', actor: SYSTEM_ACTOR, meaning: 'stability window exceeded', data: { shipmentId: e.shipmentId, leg }, occurredAt: e.at };
    }
    case 'issue-assessed':
      return {
        kind: 'excursion-assessment', actor: e.signer, meaning: e.meaning ?? IMPACT_MEANINGS[e.impact],
        data: { issueId: e.issueId, issueKind: e.issueKind, impact: e.impact, ...(e.meaningRef ? { meaningRef: e.meaningRef } : {}), ...signatureOf(e.signer) }, occurredAt: e.at,
      };
    case 'escalated': {
      const what = e.awaiting?.kind ?? 'step';
      return { kind: 'escalation', actor: SYSTEM_ACTOR, meaning: `${what} overdue: escalated`, data: { awaiting: e.awaiting, level: e.level }, occurredAt: e.at };
    }
    case 'infusion-booked': {
      // A booking over an existing one is a move: one record says from where to where.
      const from = s.booking;
      const actor = e.actor ?? SCHEDULER_ACTOR;
      if (!from) return { kind: 'infusion-booking', actor, meaning: 'infusion booked', data: { ...e.booking }, occurredAt: e.at };
      const movedFrom = { infusionDate: from.infusionDate, ...(from.date ? { date: from.date } : {}), chair: from.chair };
      return { kind: 'infusion-booking', actor, meaning: moveMeaning(from, e.booking), data: { ...e.booking, movedFrom }, occurredAt: e.at };
    }
    case 'infusion-booking-cancelled':
      // Only a cancellation someone asked for by name (a batch's withdrawal has its own record; older histories none).
      if (!e.actor || !s.booking) return undefined;
      return {
        kind: 'infusion-booking-cancelled', actor: e.actor, meaning: `infusion booking for ${dayOf(s.booking)} cancelled; chair freed`,
        data: { infusionDate: s.booking.infusionDate, ...(s.booking.date ? { date: s.booking.date } : {}), chair: s.booking.chair }, occurredAt: e.at,
      };
    case 'cancellation-requested': {
      // The reference to the stored reason, whose hash commits the record to the text; older histories carry the text.
      const { reason, reasonRef } = e.command;
      return { kind: 'cancellation', actor: e.command.actor, meaning: 'batch withdrawn', data: reasonRef ? { reasonRef } : { reason }, occurredAt: e.at };
    }
    default:
      return undefined;
  }
}
