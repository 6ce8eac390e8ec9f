import type { z } from 'zod';
import { assessmentSchema, bookingPayloadSchema, cancelSchema, handoffSchema, milestoneSchema, qaDispositionSchema, type Milestone } from '../commands.js';
import { ERR } from '../errors.js';
import { verifyScan } from '../handoff.js';
import { checkBooking } from '../ld-window.js';
import { awaiting, bookingWindowClosesAt, escalationDue, isEnded, windowClosedIssueId } from './awaiting.js';
import { chainMoved, chainTold, collectionReport, facilityOf } from './chain.js';
import { chainMoveSchema, slotChainSchema } from './chain-schema.js';
import { compensation } from './compensation.js';
import { evolve } from './evolve.js';
import { iso } from '../instant.js';
import { batchClock, BOOKABLE_STAGES, HANDOFFS, SLOT_RETRY_HOURS } from './journey.js';
import { progress, slotRequest, stage } from './progress.js';
import type { Decision, JourneyCommand, JourneyEvent, JourneyState, Refusal } from './types.js';

const refuse = (code: Refusal['code'], message: string): Decision => ({ events: [], refusal: { code, message } });
const accept = (...events: JourneyEvent[]): Decision => ({ events });

/**
 * Decides what a command means for a batch: the events that follow (with everything that then
 * follows by itself), or a refusal with its ERR_… code and a sentence. Pure: the same command on
 * the same state always gives the same answer, in the workflow and in the digital twin.
 */
export function decide(command: JourneyCommand, state: JourneyState): Decision {
  const decision = decideCommand(command, state);
  if (decision.events.length === 0) return decision;
  return { ...decision, events: settle(state, decision.events, command.at) };
}

/** The command's own events, then whatever follows by itself, until the batch waits for the world again. */
function settle(state: JourneyState, events: JourneyEvent[], at: string): JourneyEvent[] {
  const all = [...events];
  let s = events.reduce(evolve, state);
  for (let round = 0; round < 64; round++) {
    const next = progress(s, at);
    if (next.length === 0) return all;
    s = next.reduce(evolve, s);
    all.push(...next);
  }
  throw new Error(`The journey of ${state.input.batchId} did not settle (stage ${s.stage}).`);
}

function decideCommand(c: JourneyCommand, s: JourneyState): Decision {
  if (isEnded(s) && !SIGNALS.has(c.type)) return refuse(ERR.ENDED, `The batch has ended (${s.stage}); nothing more can be recorded.`);
  switch (c.type) {
    case 'scan':
      return decideScan(c, s);
    case 'milestone': {
      const bad = invalid(milestoneSchema, c.milestone);
      if (bad || isEnded(s)) return bad ?? accept();
      const chained = collectionReport(c.milestone, s, c.at);
      if (chained && 'invalid' in chained) return refuse(ERR.VALIDATION, chained.invalid);
      if (chained) return accept(...chained.events);
      return alreadyReported(s, c.milestone.milestone) ? accept() : accept({ type: 'milestone-reported', milestone: c.milestone, at: c.at });
    }
    case 'qa-disposition': {
      const bad = invalid(qaDispositionSchema, c.decision);
      if (bad) return bad;
      if (awaiting(s, Date.parse(c.at))?.kind !== 'qa-disposition') return refuse(ERR.OUT_OF_TURN, 'The batch is not awaiting a QA disposition.');
      if (c.decision.decision === 'release' && s.quarantined) {
        return refuse(ERR.NOT_ALLOWED, 'The batch is quarantined or out of specification: only a conditional release or a rejection is possible.');
      }
      return accept({ type: 'qa-disposed', decision: c.decision, at: c.at });
    }
    case 'assess': {
      const bad = invalid(assessmentSchema, c.assessment);
      if (bad) return bad;
      const issue = s.issues.find((i) => i.id === c.assessment.excursionId);
      if (!issue || issue.assessment || issue.kind === 'telemetry_gap') {
        return refuse(ERR.UNKNOWN_ISSUE, `No open excursion or deviation ${c.assessment.excursionId} awaits assessment on this batch.`);
      }
      const { impact, signer, meaning, meaningRef } = c.assessment;
      const words = meaningRef ? { meaningRef } : meaning !== undefined ? { meaning } : {};
      return accept({ type: 'issue-assessed', issueId: issue.id, issueKind: issue.kind, impact, signer, ...words, at: c.at });
    }
    case 'book':
      return decideBooking(c, s);
    case 'cancel-booking':
      if (!s.booking || s.stage === 'INFUSED') return refuse(ERR.NOT_ALLOWED, 'The batch has no infusion booking to cancel.');
      return accept({ type: 'infusion-booking-cancelled', ...(c.actor ? { actor: c.actor } : {}), at: c.at }, ...(s.stage === 'INFUSION_SCHEDULED' ? [stage(s, 'RECEIVED_AT_SITE', c.at)] : []));
    case 'cancel':
      return decideCancel(c, s);
    case 'slot-answer':
      if (s.slot.state === 'confirming') return c.granted ? accept({ type: 'slot-reserved', at: c.at }) : accept({ type: 'chain-line-lost', at: c.at }, slotRequest(s, c.at));
      if (s.slot.state !== 'requested') return accept();
      if (c.granted) return accept({ type: 'slot-reserved', at: c.at });
      return accept({ type: 'slot-refused', retryAt: iso(Date.parse(c.at) + batchClock(s.input).hours(SLOT_RETRY_HOURS)), first: !s.timeline.some((t) => t.event === 'no-manufacturing-line'), at: c.at });
    case 'chain-answer':
    case 'chain-allocated':
      return (c.chain && invalid(slotChainSchema, c.chain)) || accept(...chainTold(c, s));
    case 'chain-moved':
      return invalid(chainMoveSchema, c.move) || accept(...chainMoved(c, s));
    case 'timer-fired':
      return decideTimer(c.at, s);
    case 'excursion':
      return decideExcursion(c, s);
    case 'leg-overdue': {
      const id = `deviation:leg:${c.shipmentId}`;
      if (isEnded(s) || s.issues.some((i) => i.id === id)) return accept();
      const reason = `${c.leg} leg over its stability window`;
      return accept({ type: 'issue-opened', issue: { id, kind: 'deviation', reason, blocking: true, openedAt: c.at, state: 'open' }, shipmentId: c.shipmentId, at: c.at });
    }
    case 'equipment-risk':
      return isEnded(s) ? accept() : accept({ type: 'equipment-risk-noted', risk: c.risk, at: c.at });
    case 'effect-refused': {
      // Evidence, not a hold: the batch stays able to take its next command.
      const id = `deviation:refused:${s.attempt}:${s.issues.length + 1}`;
      const reason = `${c.command} not applied: ${c.reason}`;
      return accept({ type: 'issue-opened', issue: { id, kind: 'deviation', reason, blocking: false, openedAt: c.at, state: 'open' }, refusedCommand: c.command, at: c.at });
    }
  }
}

/** Facts from elsewhere (signals) are never refused: after the end they are simply not recorded. */
const SIGNALS = new Set<JourneyCommand['type']>(['milestone', 'excursion', 'leg-overdue', 'equipment-risk', 'slot-answer', 'chain-answer', 'chain-allocated', 'chain-moved', 'timer-fired', 'effect-refused']);

/** A milestone this attempt has already reported: a repeat changes nothing and records nothing. */
export function alreadyReported(s: JourneyState, milestone: Milestone): boolean {
  return (s.reported ?? []).includes(milestone) || s.pending[milestone] !== undefined;
}

function invalid<S extends z.ZodType>(schema: S, value: unknown): Decision | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  return refuse(ERR.VALIDATION, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

function decideScan(c: Extract<JourneyCommand, { type: 'scan' }>, s: JourneyState): Decision {
  const bad = invalid(handoffSchema, c.scan);
  if (bad) return bad;
  if (s.stage === 'ON_HOLD') return refuse(ERR.ON_HOLD, 'The batch is on hold until QA assesses its open excursion or deviation.');
  const next = awaiting(s, Date.parse(c.at));
  const expected = next?.kind === 'handoff' ? next.step : undefined;
  if (expected !== c.scan.step) {
    return refuse(ERR.OUT_OF_TURN, `The batch is not waiting for a ${c.scan.step} scan${expected ? ` (it waits for ${expected})` : ''}.`);
  }
  const verdict = verifyScan({ coiId: s.input.coiId, din: s.din }, c.scan);
  // A well-formed scan of the wrong bag is evidence: the deviation is recorded, then the scan is refused.
  if (!verdict.ok) {
    const issueId = `deviation:scan:${s.attempt}:${c.scan.step}:${s.issues.length + 1}`;
    return { events: [{ type: 'scan-refused', scan: c.scan, issueId, code: verdict.code, message: verdict.message, at: c.at }], refusal: { code: verdict.code, message: verdict.message } };
  }
  const flow = HANDOFFS[c.scan.step];
  const events: JourneyEvent[] = [{ type: 'handoff-verified', scan: c.scan, din: verdict.din, at: c.at }, stage(s, flow.leadsTo, c.at)];
  if (flow.leg?.action === 'start') {
    const { input } = s;
    const facilityId = facilityOf(s);
    const [fromSiteId, toSiteId] = flow.leg.leg === 'outbound' ? [input.apheresisCenterId, facilityId] : [facilityId, input.treatmentCenterId];
    events.push({ type: 'leg-started', shipmentId: c.shipmentId, leg: flow.leg.leg, fromSiteId, toSiteId, at: c.at });
  }
  if (flow.leg?.action === 'deliver') {
    const leg = s.shipments.find((x) => x.leg === flow.leg!.leg && x.state === 'in_transit');
    if (leg) events.push({ type: 'leg-delivered', shipmentId: leg.shipmentId, leg: leg.leg, at: c.at });
  }
  return { events };
}

function decideBooking(c: Extract<JourneyCommand, { type: 'book' }>, s: JourneyState): Decision {
  const bad = invalid(bookingPayloadSchema, c.request);
  if (bad) return bad;
  if (s.stage === 'ON_HOLD') return refuse(ERR.ON_HOLD, 'The batch is on hold until QA assesses its open excursion or deviation.');
  if (!BOOKABLE_STAGES.includes(s.stage)) return refuse(ERR.OUT_OF_TURN, `An infusion can be booked once the product is released; the batch is ${s.stage}.`);
  // A calendar day comes resolved by the API (local midnights); an instant (compressed clock, older callers) as before.
  const { day, actor, chair } = c.request;
  const infusionAt = Date.parse(day ? day.start : c.request.infusionDate);
  const receivedAt = s.receivedAtSite === undefined ? undefined : Date.parse(s.receivedAtSite);
  const verdict = checkBooking({ infusionAt, now: Date.parse(c.at), receivedAt, profile: s.input.profile, dayMs: batchClock(s.input).dayMs });
  if (!verdict.ok) return refuse(ERR.BOOKING_OUTSIDE_WINDOW, verdict.reason);
  const booking = {
    infusionDate: iso(infusionAt),
    ...(day
      ? { ldStart: iso(Date.parse(day.ldStart)), ldEnd: iso(Date.parse(day.ldEnd)), date: day.date, timeZone: day.timeZone, until: iso(Date.parse(day.end)) }
      : { ldStart: iso(verdict.ldStart), ldEnd: iso(verdict.ldEnd) }),
    ...(chair ? { chair } : {}),
  };
  return accept({ type: 'infusion-booked', booking, ...(actor ? { actor } : {}), at: c.at });
}

/** Withdrawn before infusion: what it compensates (line, booking, legs on the road) follows from the state. */
function decideCancel(c: Extract<JourneyCommand, { type: 'cancel' }>, s: JourneyState): Decision {
  const bad = invalid(cancelSchema, c.command);
  if (bad) return bad;
  if (s.stage === 'INFUSED' || s.cancelled) return refuse(ERR.NOT_ALLOWED, `The batch cannot be cancelled now (${s.stage}).`);
  const undo = compensation(s);
  return accept(
    { type: 'cancellation-requested', command: c.command, at: c.at },
    ...(undo.releaseSlot ? [{ type: 'slot-released', at: c.at } as const] : []),
    ...(undo.releaseChain ? [{ type: 'chain-released', reason: 'batch cancelled', at: c.at } as const] : []),
    ...(undo.cancelBooking ? [{ type: 'infusion-booking-cancelled', at: c.at } as const] : []),
    ...(undo.cancelShipments.length > 0 ? [{ type: 'legs-cancelled', shipmentIds: undo.cancelShipments, at: c.at } as const] : []),
    stage(s, 'CANCELLED', c.at),
  );
}

function decideTimer(at: string, s: JourneyState): Decision {
  const now = Date.parse(at);
  const events: JourneyEvent[] = [];
  if (s.slot.state === 'refused' && Date.parse(s.slot.retryAt) <= now) {
    events.push(slotRequest(s, at));
  }
  const due = escalationDue(s);
  if (due !== undefined && due <= now) events.push({ type: 'escalated', awaiting: awaiting(s, now), level: s.humanStep!.escalations + 1, at });
  // The product can no longer be infused in its shelf life: a deviation holds the batch for QA, who rejects it or says otherwise.
  const closes = bookingWindowClosesAt(s);
  if (closes !== undefined && closes <= now) {
    const issue = { id: windowClosedIssueId(s), kind: 'deviation', reason: 'infusion window closed before an infusion was booked', blocking: true, openedAt: at, state: 'open' } as const;
    events.push({ type: 'issue-opened', issue, cause: 'infusion-window-closed', at });
  }
  return accept(...events);
}

function decideExcursion(c: Extract<JourneyCommand, { type: 'excursion' }>, s: JourneyState): Decision {
  const { change } = c;
  const existing = s.issues.find((i) => i.id === change.excursionId);
  if (change.change === 'closed') return accept({ type: 'issue-closed', issueId: change.excursionId, kind: existing?.kind ?? change.kind, at: change.at });
  if (existing || isEnded(s)) return accept();
  const issue = {
    id: change.excursionId, kind: change.kind, reason: `${change.metric ?? change.kind} on ${change.deviceId}`,
    blocking: change.kind === 'excursion', openedAt: change.at, state: 'open',
  } as const;
  return accept({ type: 'issue-opened', issue, deviceId: change.deviceId, at: c.at });
}
