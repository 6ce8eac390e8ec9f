import { bookableUntil, infusionWindow } from '../ld-window.js';
import { isEndState } from '../transitions.js';
import { iso } from '../instant.js';
import { chainAwaiting } from './chain.js';
import { batchClock, handoffAwaitedIn, MANUFACTURING_STEPS, MAX_ESCALATIONS } from './journey.js';
import type { Awaiting, Issue, JourneyState } from './types.js';

export const isEnded = (s: JourneyState) => isEndState(s.stage);

/** The first blocking issue QA has not assessed: while there is one, the batch is held. */
export const unassessedBlocking = (s: JourneyState): Issue | undefined => s.issues.find((i) => i.blocking && !i.assessment);

/**
 * What the batch waits for next, derived from its state and the time now (a booking window and
 * the infusion day depend on it).
 */
export function awaiting(s: JourneyState, now: number): Awaiting {
  if (isEnded(s)) return null;
  const chain = chainAwaiting(s);
  if (chain) return chain;
  switch (s.stage) {
    case 'ON_HOLD': {
      const issue = unassessedBlocking(s);
      return issue ? { kind: 'excursion-assessment', excursionId: issue.id } : null;
    }
    case 'FAILED':
      return { kind: 'milestone', milestone: 'recollection-scheduled' };
    case 'ORDERED':
      return { kind: 'milestone', milestone: 'apheresis-scheduled' };
    case 'RECEIVED_AT_FACILITY':
      if (s.slot.state === 'refused') return { kind: 'timer', until: s.slot.retryAt, reason: 'waiting for a free manufacturing line' };
      return { kind: 'milestone', milestone: 'manufacturing-started' };
    case 'MANUFACTURING':
      return { kind: 'milestone', milestone: MANUFACTURING_STEPS[Math.min(s.manufacturing.done, MANUFACTURING_STEPS.length - 1)]! };
    case 'QC_TESTING':
      return { kind: 'milestone', milestone: 'qc-complete' };
    case 'AWAITING_QA_RELEASE':
      return s.qaDecision?.decision === 'conditional-release' ? { kind: 'milestone', milestone: 'physician-acceptance' } : { kind: 'qa-disposition' };
    case 'RECEIVED_AT_SITE': {
      const window = infusionWindow({ now, receivedAt: Date.parse(s.receivedAtSite!), profile: s.input.profile, dayMs: batchClock(s.input).dayMs });
      return { kind: 'infusion-booking', earliest: iso(window.earliest), latest: iso(window.latest) };
    }
    case 'INFUSION_SCHEDULED':
      if (now < Date.parse(s.booking!.infusionDate)) return { kind: 'timer', until: s.booking!.infusionDate, reason: 'infusion day' };
      return { kind: 'handoff', step: 'infusion' };
    default: {
      const step = handoffAwaitedIn(s.stage);
      return step ? { kind: 'handoff', step } : null;
    }
  }
}

/** The human step the batch waits for, as a key: a new key restarts its escalation clock. */
export function humanStepKey(s: JourneyState): string | undefined {
  if (isEnded(s)) return undefined;
  if (s.stage === 'ON_HOLD') {
    const issue = unassessedBlocking(s);
    return issue && `excursion-assessment:${issue.id}`;
  }
  if (s.stage === 'AWAITING_QA_RELEASE' && !s.qaDecision) return 'qa-disposition';
  return undefined;
}

/** When the next escalation of the awaited human step is due, if any. */
export function escalationDue(s: JourneyState): number | undefined {
  const step = s.humanStep;
  if (!step || step.escalations >= MAX_ESCALATIONS) return undefined;
  const { escalationHours } = s.input.profile;
  const hours = step.key === 'qa-disposition' ? escalationHours.qaDisposition : escalationHours.excursionAssessment;
  return Date.parse(step.since) + (step.escalations + 1) * batchClock(s.input).hours(hours);
}

/** The deviation a product's closed infusion window opens, one per batch and attempt: its id is the custody record's key, unique across batches. */
export const windowClosedIssueId = (s: JourneyState) => `deviation:infusion-window:${s.input.batchId}:${s.attempt}`;

/**
 * When a product waiting unbooked at its treatment centre can no longer be booked (`bookableUntil`),
 * unless the deviation that says so is already open.
 */
export function bookingWindowClosesAt(s: JourneyState): number | undefined {
  if (s.stage !== 'RECEIVED_AT_SITE' || !s.receivedAtSite || s.issues.some((i) => i.id === windowClosedIssueId(s))) return undefined;
  return bookableUntil({ receivedAt: Date.parse(s.receivedAtSite), profile: s.input.profile, dayMs: batchClock(s.input).dayMs });
}

/**
 * The next time at which the batch's own clock matters, after `now`: a slot retry, an escalation
 * or an unbooked product's window closing falling due (then `timer-fired` decides it), or the
 * infusion day (after which `awaiting` asks for the infusion scan). Whoever runs the decider
 * sleeps until then unless a command comes first. `bookingWindow: false` leaves the window out,
 * for a workflow whose history began before it was watched (workflows/batch.ts).
 */
export function nextDeadline(s: JourneyState, now: number, { bookingWindow = true } = {}): number | undefined {
  const infusionDay = s.stage === 'INFUSION_SCHEDULED' && s.booking ? Date.parse(s.booking.infusionDate) : undefined;
  const due = [
    s.slot.state === 'refused' ? Date.parse(s.slot.retryAt) : undefined,
    escalationDue(s),
    infusionDay !== undefined && infusionDay > now ? infusionDay : undefined,
    bookingWindow ? bookingWindowClosesAt(s) : undefined,
  ].filter((t): t is number => t !== undefined);
  return due.length > 0 ? Math.min(...due) : undefined;
}
