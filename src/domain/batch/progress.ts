import type { Milestone } from '../commands.js';
import { isEnded, unassessedBlocking } from './awaiting.js';
import { iso } from '../instant.js';
import { chainAwaiting, holdsChain, lineConfirmRequest, recollectionReplan } from './chain.js';
import { batchClock, manufacturingDays, MANUFACTURING_STEPS } from './journey.js';
import type { JourneyEvent, JourneyState } from './types.js';

/**
 * What follows by itself from the state, with no one to ask: a reported milestone the journey
 * was waiting for, a hold, the end of a hold, a failure, the next stage. Empty when the batch
 * waits for the world. `decide` applies it until it is empty.
 */
export function progress(s: JourneyState, at: string): JourneyEvent[] {
  if (isEnded(s) || s.cancelled) return [];
  if (s.stage === 'ON_HOLD') return endOfHold(s, at);
  // An unassessed excursion or deviation holds a batch wherever it waits (an infused one has nothing left to hold).
  if (unassessedBlocking(s) && s.stage !== 'INFUSED') return [stage(s, 'ON_HOLD', at)];
  const reach = (m: Milestone): JourneyEvent => ({ type: 'milestone-reached', milestone: s.pending[m]!, at });

  switch (s.stage) {
    case 'ORDERED':
      // With a chain, only a confirmation of the chain's own day is ever pending here (chain.ts).
      return s.pending['apheresis-scheduled'] && !chainAwaiting(s) ? [reach('apheresis-scheduled'), stage(s, 'APHERESIS_SCHEDULED', at)] : [];
    case 'RECEIVED_AT_FACILITY':
      if (s.slot.state === 'none') return [holdsChain(s) ? lineConfirmRequest(s, at) : slotRequest(s, at)];
      return s.slot.state === 'reserved' && s.pending['manufacturing-started'] ? [reach('manufacturing-started'), stage(s, 'MANUFACTURING', at)] : [];
    case 'MANUFACTURING': {
      if (s.pending['manufacturing-failed']) return fail(s, `manufacturing failed (${s.pending['manufacturing-failed'].source})`, at);
      const next = MANUFACTURING_STEPS[s.manufacturing.done];
      if (next === undefined) return [stage(s, 'QC_TESTING', at)];
      return s.pending[next] ? [reach(next)] : [];
    }
    case 'QC_TESTING':
      if (s.pending['manufacturing-failed']) return fail(s, `manufacturing failed (${s.pending['manufacturing-failed'].source})`, at);
      return s.pending['qc-complete'] ? [reach('qc-complete'), stage(s, 'AWAITING_QA_RELEASE', at)] : [];
    case 'AWAITING_QA_RELEASE':
      return afterQa(s, at);
    case 'RECEIVED_AT_SITE':
      return s.booking ? [stage(s, 'INFUSION_SCHEDULED', at)] : [];
    case 'INFUSED':
      return [stage(s, 'COMPLETED', at)];
    case 'FAILED': {
      const recollection = s.pending['recollection-scheduled'];
      if (!recollection) return [];
      // A batch with a chain has it planned again; the collection waits for it (chainAwaiting).
      const replan = s.chain ? [recollectionReplan(s, recollection, at)] : [];
      return [reach('recollection-scheduled'), { type: 'recollection-started', attempt: s.attempt + 1, at }, ...replan, stage(s, 'APHERESIS_SCHEDULED', at)];
    }
    default:
      return [];
  }
}

/**
 * A QA rejection's failure as the timeline names it: with the reason where the decision carries it
 * (older histories, the twin), else bare, and the API adds the stored reason (routes/batches.ts).
 */
export const QA_REJECTED = 'QA rejected the batch';

function afterQa(s: JourneyState, at: string): JourneyEvent[] {
  const decision = s.qaDecision;
  if (!decision) return [];
  if (decision.decision === 'reject') return fail(s, decision.reason === undefined ? QA_REJECTED : `${QA_REJECTED}: ${decision.reason}`, at);
  if (decision.decision === 'conditional-release') {
    if (!s.pending['physician-acceptance']) return [];
    return [{ type: 'milestone-reached', milestone: s.pending['physician-acceptance'], at }, stage(s, 'RELEASED', at), { type: 'slot-released', at }];
  }
  return [stage(s, 'RELEASED', at), { type: 'slot-released', at }];
}

/** A hold ends when QA has assessed every blocking issue: back where it was, or FAILED on a rejection. */
function endOfHold(s: JourneyState, at: string): JourneyEvent[] {
  if (unassessedBlocking(s)) return [];
  if (s.rejection) return fail(s, `QA rejected the material after ${s.rejection}`, at);
  return [stage(s, s.heldFrom ?? 'ORDERED', at)];
}

/** Manufacturing failed or QA rejected: the line and the booking are given back; the patient may donate again. */
export function fail(s: JourneyState, reason: string, at: string): JourneyEvent[] {
  return [
    { type: 'batch-failed', reason, at },
    stage(s, 'FAILED', at),
    ...(s.slot.state !== 'none' ? [{ type: 'slot-released', at } as const] : []),
    ...(s.chain && s.chain.status !== 'released' ? [{ type: 'chain-released', reason: 'batch failed', at } as const] : []),
    ...(s.booking ? [{ type: 'infusion-booking-cancelled', at } as const] : []),
  ];
}

/** A line for the whole manufacturing and QC time, from now. */
export function slotRequest(s: JourneyState, at: string): JourneyEvent {
  return { type: 'slot-requested', from: at, to: iso(Date.parse(at) + manufacturingDays(s.input) * batchClock(s.input).dayMs), at };
}

export const stage = (s: JourneyState, to: JourneyState['stage'], at: string): JourneyEvent => ({ type: 'stage-changed', from: s.stage, to, at });
