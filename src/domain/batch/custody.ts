import type { Actor } from '../commands.js';
import type { JourneyEvent, JourneyState } from './types.js';

/** The system itself as the actor of records nobody signed (escalations, deviations it detected). */
export const SYSTEM_ACTOR: Actor = { name: 'V2V orchestrator', role: 'system' };
/** Bookings come through the API, which does not authenticate its callers yet. */
export const SCHEDULER_ACTOR: Actor = { name: 'hospital scheduler (unauthenticated API)', role: 'scheduler' };

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
 * The custody record an event adds to the batch's chain, if any: hand-offs, deviations, QA
 * dispositions, assessments, escalations, bookings and cancellations. `s` is the state before the
 * event. The workflow writes these through its activities; the twin's history mode writes the same.
 */
export function custodyRecordOf(e: JourneyEvent, s: JourneyState): CustodyContent | undefined {
  switch (e.type) {
    case 'handoff-verified':
      return {
        kind: 'handoff', step: e.scan.step, actor: e.scan.actor, location: e.scan.location,
        meaning: 'custody transferred; identity verified', data: { coiId: s.input.coiId, din: e.din }, occurredAt: e.scan.at ?? e.at,
      };
    case 'scan-refused':
      return {
        kind: 'deviation', step: e.scan.step, actor: e.scan.actor, location: e.scan.location,
        meaning: 'identity check failed: material not accepted', data: { code: e.code }, occurredAt: e.scan.at ?? e.at,
      };
    case 'qa-disposed':
      return {
        kind: 'qa-disposition', actor: e.decision.signer, meaning: e.decision.meaning,
        data: { decision: e.decision.decision, ...(e.decision.reason ? { reason: e.decision.reason } : {}) }, occurredAt: e.at,
      };
    case 'issue-opened': {
      if (e.issue.kind !== 'deviation' || !e.shipmentId) return undefined;
      const leg = s.shipments.find((x) => x.shipmentId === e.shipmentId)?.leg;
      return { key: e.issue.id, kind: 'deviation', actor: SYSTEM_ACTOR, meaning: 'stability window exceeded', data: { shipmentId: e.shipmentId, leg }, occurredAt: e.at };
    }
    case 'issue-assessed':
      return { kind: 'excursion-assessment', actor: e.signer, meaning: e.meaning, data: { issueId: e.issueId, issueKind: e.issueKind, impact: e.impact }, occurredAt: e.at };
    case 'escalated': {
      const what = e.awaiting?.kind ?? 'step';
      return { kind: 'escalation', actor: SYSTEM_ACTOR, meaning: `${what} overdue: escalated`, data: { awaiting: e.awaiting, level: e.level }, occurredAt: e.at };
    }
    case 'infusion-booked':
      return { kind: 'infusion-booking', actor: SCHEDULER_ACTOR, meaning: 'infusion booked', data: { ...e.booking }, occurredAt: e.at };
    case 'cancellation-requested':
      return { kind: 'cancellation', actor: e.command.actor, meaning: 'batch withdrawn', data: { reason: e.command.reason }, occurredAt: e.at };
    default:
      return undefined;
  }
}
