import { humanStepKey } from './awaiting.js';
import { facilityOf, initialChain, moveNote, replanNote } from './chain.js';
import { MANUFACTURING_STEPS } from './journey.js';
import type { JourneyEvent, JourneyInput, JourneyState, TimelineEntry } from './types.js';

/** A batch just enrolled: it waits for its apheresis to be scheduled. */
export function initialState(input: JourneyInput, at: string): JourneyState {
  return {
    input,
    stage: 'ORDERED',
    attempt: 1,
    pending: {},
    reported: [],
    slot: { state: 'none' },
    manufacturing: { done: 0 },
    quarantined: false,
    issues: [],
    shipments: [],
    ...chainOf(input),
    timeline: [{ at, event: 'enrolled' }],
  };
}

/** Only a batch enrolled with a chain (or on the waitlist) carries one, so older states stay as they were. */
function chainOf(input: JourneyInput): Pick<JourneyState, 'chain'> {
  const chain = initialChain(input);
  return chain ? { chain } : {};
}

/** Applies one event. Pure: the state passed in is never changed. */
export function evolve(state: JourneyState, event: JourneyEvent): JourneyState {
  const next = apply(state, event);
  return trackHumanStep(next, event.at);
}

function note(s: JourneyState, at: string, event: string, detail?: string, stage?: TimelineEntry['stage']): TimelineEntry[] {
  return [...s.timeline, { at, event, ...(stage ? { stage } : {}), ...(detail ? { detail } : {}) }];
}

function apply(s: JourneyState, e: JourneyEvent): JourneyState {
  switch (e.type) {
    case 'milestone-reported':
      return {
        ...s,
        pending: { ...s.pending, [e.milestone.milestone]: e.milestone },
        reported: [...(s.reported ?? []), e.milestone.milestone],
        timeline: note(s, e.at, `milestone:${e.milestone.milestone}`, e.milestone.source),
      };
    case 'milestone-reached':
      return reachMilestone(s, e);
    case 'stage-changed':
      return {
        ...s,
        stage: e.to,
        heldFrom: e.to === 'ON_HOLD' ? e.from : s.heldFrom,
        timeline: note(s, e.at, 'stage', undefined, e.to),
      };
    case 'handoff-verified':
      return {
        ...s,
        din: e.scan.step === 'collection' ? e.din : s.din,
        receivedAtSite: e.scan.step === 'site-receipt' ? e.at : s.receivedAtSite,
      };
    case 'scan-refused':
      return {
        ...s,
        issues: [...s.issues, { id: e.issueId, kind: 'deviation', reason: `${e.scan.step} scan refused: ${e.code}`, blocking: false, openedAt: e.at, state: 'open' }],
        timeline: note(s, e.at, 'deviation', `${e.scan.step}: ${e.code}`),
      };
    case 'leg-started':
      return { ...s, shipments: [...s.shipments, { shipmentId: e.shipmentId, leg: e.leg, state: 'in_transit' }] };
    case 'leg-delivered':
      return { ...s, shipments: s.shipments.map((x) => (x.shipmentId === e.shipmentId ? { ...x, state: 'delivered' } : x)) };
    case 'legs-cancelled':
      return { ...s, shipments: s.shipments.map((x) => (e.shipmentIds.includes(x.shipmentId) ? { ...x, state: 'cancelled' } : x)) };
    case 'slot-requested':
      return { ...s, slot: { state: 'requested' } };
    case 'slot-reserved':
      return { ...s, slot: { state: 'reserved' } };
    case 'slot-refused':
      return {
        ...s,
        slot: { state: 'refused', retryAt: e.retryAt },
        timeline: e.first ? note(s, e.at, 'no-manufacturing-line', s.input.facilityId) : s.timeline,
      };
    case 'slot-released':
      return { ...s, slot: { state: 'none' } };
    case 'line-confirm-requested':
      return { ...s, slot: { state: 'confirming' } };
    case 'chain-line-lost':
      return { ...s, slot: { state: 'none' }, timeline: note(s, e.at, 'chain-line-lost', `the line held ahead at ${facilityOf(s)} could not be confirmed; asking for a free line`) };
    case 'chain-replan-requested':
      return { ...s, chain: { ...s.chain!, status: 'replanning' }, timeline: note(s, e.at, 'chain-replan-requested', `${e.reason}, from ${e.earliestDay}`) };
    case 'chain-replanned':
      return { ...s, chain: { status: 'held', current: e.chain }, timeline: note(s, e.at, 'chain-replanned', `chain re-planned: ${replanNote(s.chain, e.chain)}`) };
    case 'chain-waitlisted':
      return { ...s, chain: { status: 'waitlisted' }, timeline: note(s, e.at, 'chain-waitlisted', 'no chain fits the horizon: the batch waits for capacity') };
    case 'chain-allocated':
      return { ...s, chain: { status: 'held', current: e.chain }, timeline: note(s, e.at, 'chain-allocated', `collection ${e.chain.collectionDay} at ${e.chain.facilityId}`) };
    case 'chain-moved':
      // During a re-plan the batch keeps waiting for its answer, holding the moved chain meanwhile.
      return { ...s, chain: e.chain ? { status: s.chain?.status === 'replanning' ? 'replanning' : 'held', current: e.chain } : { status: 'waitlisted' }, timeline: note(s, e.at, 'chain-replanned', moveNote(s.chain, e.chain, e.why)) };
    case 'chain-released':
      return { ...s, chain: { ...s.chain!, status: 'released' }, timeline: note(s, e.at, 'chain-released', e.reason) };
    case 'qa-disposed':
      return { ...s, qaDecision: e.decision };
    case 'issue-opened':
      return {
        ...s,
        issues: [...s.issues, e.issue],
        timeline: e.issue.kind === 'deviation' ? note(s, e.at, 'deviation', e.issue.reason) : note(s, e.at, `${e.issue.kind}-opened`, e.issue.id),
      };
    case 'issue-closed':
      return {
        ...s,
        // A blocking issue is settled when it is over and QA has assessed it, in either order.
        issues: s.issues.map((i) => (i.id !== e.issueId ? i : { ...i, closedAt: e.at, state: i.blocking && !i.assessment ? i.state : 'closed' })),
        timeline: note(s, e.at, `${e.kind}-closed`, e.issueId),
      };
    case 'issue-assessed':
      return {
        ...s,
        issues: s.issues.map((i) =>
          i.id !== e.issueId
            ? i
            : // A deviation is settled by its assessment; an excursion also has to be over.
              { ...i, assessment: { impact: e.impact, signer: e.signer, at: e.at }, state: i.kind !== 'excursion' || i.closedAt ? 'closed' : i.state },
        ),
        quarantined: s.quarantined || e.impact === 'quarantine',
        rejection: e.impact === 'reject' && s.issues.some((i) => i.id === e.issueId && i.blocking) ? s.issues.find((i) => i.id === e.issueId)!.reason : s.rejection,
      };
    case 'batch-failed':
      return { ...s, pending: {}, rejection: undefined, timeline: note(s, e.at, 'failed', e.reason) };
    case 'recollection-started':
      return {
        ...s,
        attempt: e.attempt,
        din: undefined,
        pending: {},
        reported: [],
        slot: { state: 'none' },
        manufacturing: { done: 0 },
        qaDecision: undefined,
        quarantined: false,
      };
    case 'escalated':
      return {
        ...s,
        humanStep: s.humanStep && { ...s.humanStep, escalations: e.level },
        timeline: note(s, e.at, 'escalation', `${e.awaiting?.kind ?? 'step'} overdue (level ${e.level})`),
      };
    case 'infusion-booked':
      return { ...s, booking: { ...e.booking, chair: e.booking.chair ?? 'unassigned' }, timeline: note(s, e.at, 'infusion-booked', e.booking.infusionDate) };
    case 'infusion-booking-cancelled':
      return {
        ...s,
        booking: undefined,
        // A hold that began while the infusion was booked returns to a batch that waits for a booking.
        heldFrom: s.heldFrom === 'INFUSION_SCHEDULED' ? 'RECEIVED_AT_SITE' : s.heldFrom,
        timeline: note(s, e.at, 'infusion-booking-cancelled'),
      };
    case 'cancellation-requested':
      // A stored reason is not in the state: the API's read path shows it beside this entry.
      return { ...s, cancelled: e.command, timeline: note(s, e.at, 'cancelled', e.command.reason) };
    case 'equipment-risk-noted':
      return { ...s, timeline: note(s, e.at, 'equipment-risk', `${e.risk.equipmentId} ${e.risk.crossed} ${e.risk.threshold}`) };
  }
}

function reachMilestone(s: JourneyState, e: Extract<JourneyEvent, { type: 'milestone-reached' }>): JourneyState {
  const { milestone, data } = e.milestone;
  const pending = { ...s.pending };
  delete pending[milestone];
  const next: JourneyState = { ...s, pending };
  if (milestone === 'manufacturing-started') {
    const equipmentId = typeof data?.equipmentId === 'string' ? data.equipmentId : undefined;
    return { ...next, manufacturing: { done: 0, ...(equipmentId ? { equipmentId } : {}) } };
  }
  if ((MANUFACTURING_STEPS as readonly string[]).includes(milestone)) return { ...next, manufacturing: { ...s.manufacturing, done: s.manufacturing.done + 1 } };
  if (milestone === 'qc-complete' && data?.passed === false) {
    return { ...next, quarantined: true, timeline: note(s, e.at, 'out-of-specification', 'QC results out of specification') };
  }
  return next;
}

/** Keeps the escalation clock of the awaited human step: a new step starts it again. */
function trackHumanStep(s: JourneyState, at: string): JourneyState {
  const key = humanStepKey(s);
  if (key === s.humanStep?.key) return s;
  return { ...s, humanStep: key ? { key, since: at, escalations: 0 } : undefined };
}
