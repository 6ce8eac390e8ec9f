import type { MilestoneCommand } from '../commands.js';
import { iso } from '../instant.js';
import { localDaySchema } from './chain-schema.js';
import { batchClock, manufacturingDays, planClock } from './journey.js';
import { isEndState } from '../transitions.js';
import type { Awaiting, ChainHold, JourneyCommand, JourneyEvent, JourneyInput, JourneyState } from './types.js';

/**
 * The slot chain's rules in the journey (issue 18, DESIGN §3 "Capacity and the slot chain"). A
 * batch enrolled with a chain has its collection day, line and infusion day planned before the
 * needle: the apheresis centre confirms the day or proposes another (a re-plan), the line held
 * ahead is confirmed at receipt, and a slip or a re-collection plans the chain again. A batch
 * without a chain (older batches, the twin's "first at the door") never meets these rules.
 */

/** The chain a batch starts with: the one booked at enrolment, the waitlist, or none. */
export function initialChain(input: Pick<JourneyInput, 'chain' | 'waitlisted'>): ChainHold | undefined {
  if (input.chain) return { status: 'held', current: input.chain };
  return input.waitlisted ? { status: 'waitlisted' } : undefined;
}

/** The facility the cells go to: the chain's (a re-plan may choose another), else the one chosen at enrolment. */
export const facilityOf = (s: JourneyState): string => s.chain?.current?.facilityId ?? s.input.facilityId;

/** A chain whose days stand: the collection is confirmed against it, the line confirmed from it. */
export const holdsChain = (s: JourneyState): boolean => s.chain?.status === 'held';

/** Collection cannot be confirmed or made while the batch waits for a chain (allocation or re-plan). */
export function chainAwaiting(s: JourneyState): Awaiting | undefined {
  if (s.stage !== 'ORDERED' && s.stage !== 'APHERESIS_SCHEDULED') return undefined;
  if (s.chain?.status === 'waitlisted') return { kind: 'chain', status: 'waitlisted', reason: 'no slot chain fits the horizon yet: waiting for capacity' };
  if (s.chain?.status === 'replanning') return { kind: 'chain', status: 'replanning', reason: 'the slot chain is being planned again' };
  return undefined;
}

/** The milestones by which the apheresis centre confirms, proposes or moves the collection day. */
const COLLECTION_REPORTS = new Set(['apheresis-scheduled', 'collection-rescheduled', 'recollection-scheduled']);

/** The day a report proposes (`data.proposedDay`, or a `data.collectionDay` naming another day), if any. */
function proposedDay(m: MilestoneCommand): unknown {
  return m.data?.proposedDay ?? m.data?.collectionDay;
}

/**
 * What a collection report means for a batch holding a chain: `undefined` when the chain rules do
 * not apply (the report is recorded as before, a confirmation included); otherwise the events (none:
 * nothing to act on), or the rule a malformed day breaks.
 */
export function collectionReport(m: MilestoneCommand, s: JourneyState, at: string): { events: JourneyEvent[] } | { invalid: string } | undefined {
  if (!COLLECTION_REPORTS.has(m.milestone)) return undefined;
  const rescheduled = m.milestone === 'collection-rescheduled';
  if (!s.chain || s.chain.status === 'released') return rescheduled ? { events: [] } : undefined;
  const day = proposedDay(m);
  if (day !== undefined && !localDaySchema.safeParse(day).success) return { invalid: 'data.proposedDay: must be a calendar date (YYYY-MM-DD)' };
  // A re-collection is planned when the journey reaches it (progress), from the day it names.
  if (m.milestone === 'recollection-scheduled') return undefined;
  const before = rescheduled ? ['ORDERED', 'APHERESIS_SCHEDULED'] : ['ORDERED'];
  // A hold keeps the stage it left: a day proposed meanwhile is still a proposal, not a confirmation kept for later.
  const stage = s.stage === 'ON_HOLD' ? s.heldFrom : s.stage;
  if (!stage || !before.includes(stage)) return rescheduled ? { events: [] } : undefined;
  // Nothing to confirm or move until the batch has a chain again.
  if (s.chain.status !== 'held') return { events: [] };
  if (day === undefined || day === s.chain.current?.collectionDay) return rescheduled ? { events: [] } : undefined;
  const reason = replanReason(s, rescheduled ? 'collection rescheduled' : 'collection day proposed');
  return { events: [{ type: 'chain-replan-requested', earliestDay: day as string, reason, at }] };
}

/**
 * Why the chain is planned again, numbered per batch: the capacity store takes the reason as the
 * re-plan's idempotency key, so a retried activity re-plans once and two slips re-plan twice.
 */
function replanReason(s: JourneyState, why: string): string {
  const n = s.timeline.filter((t) => t.event === 'chain-replan-requested').length + 1;
  return `${why} (re-plan ${n})`;
}

/** A re-collection plans the chain again from the day the centre names, else from the day it reported. */
export function recollectionReplan(s: JourneyState, m: MilestoneCommand, at: string): JourneyEvent {
  const day = proposedDay(m);
  // A compressed batch's report date is the simulated one: its chain is planned in simulated days.
  const calendar = planClock(s.input.timeScale, s.input.clockOriginMs);
  const reportedMs = calendar ? calendar.simulatedAt(Date.parse(m.at)) : Date.parse(m.at);
  const earliestDay = typeof day === 'string' && localDaySchema.safeParse(day).success ? day : iso(reportedMs).slice(0, 10);
  return { type: 'chain-replan-requested', earliestDay, reason: replanReason(s, `re-collection ${s.attempt + 1}`), at };
}

/**
 * A chain the batch is told of (already checked against its schema): the re-plan's answer, taken
 * only while it is re-planned, or the allocator's, taken only while it is waitlisted, so the same
 * chain told again (or a late one) changes nothing.
 */
export function chainTold(c: Extract<JourneyCommand, { type: 'chain-answer' | 'chain-allocated' }>, s: JourneyState): JourneyEvent[] {
  if (isEndState(s.stage)) return [];
  if (c.type === 'chain-allocated') {
    if (s.chain?.status === 'waitlisted') return [{ type: 'chain-allocated', chain: c.chain, at: c.at }];
    // A newer version than the booked chain the batch holds: the server moved it (the newest chain it booked wins).
    return movableChain(s, c.chain.version - 1) ? [{ type: 'chain-moved', chain: c.chain, why: 'a newer chain', at: c.at }] : [];
  }
  if (s.chain?.status !== 'replanning') return [];
  if (!c.chain) return [{ type: 'chain-waitlisted', at: c.at }];
  // A disruption that moved the chain after this re-plan committed is newer than its answer: the moved chain stands.
  const current = s.chain.current;
  return [{ type: 'chain-replanned', chain: current && current.version > c.chain.version ? current : c.chain, at: c.at }];
}

/**
 * A disruption moved the chain on the server (DESIGN §3: a line down re-plans the booked chains it
 * takes). Taken only while the batch holds, or is re-planning, a chain no newer than the one the
 * move superseded, and before collection: the cells collected, the batch keeps its chain (the server
 * moves no chain past collection either). Told again, the batch holds the newer chain or waits, so
 * nothing changes.
 */
export function chainMoved(c: Extract<JourneyCommand, { type: 'chain-moved' }>, s: JourneyState): JourneyEvent[] {
  if (isEndState(s.stage) || !movableChain(s, c.move.from)) return [];
  // While a re-plan runs, its answer decides a move to the waitlist (known weakness: a move to the
  // waitlist committed after the re-plan is then missed); a moved chain is kept until the answer, which takes the newer.
  if (s.chain?.status === 'replanning' && !c.move.chain) return [];
  return [{ type: 'chain-moved', chain: c.move.chain, why: c.move.why, at: c.at }];
}

/** Whether a move superseding version `from` applies: a booked chain at most that old, before collection. */
function movableChain(s: JourneyState, from: number): boolean {
  const current = s.chain?.current;
  if (!current || (s.chain?.status !== 'held' && s.chain?.status !== 'replanning')) return false;
  const stage = s.stage === 'ON_HOLD' ? s.heldFrom : s.stage;
  return (stage === 'ORDERED' || stage === 'APHERESIS_SCHEDULED') && current.version <= from;
}

/** The timeline's note of a move: "chain re-planned (line down): collection D1 → D2", or "… now waiting". */
export function moveNote(before: ChainHold | undefined, after: { collectionDay: string } | null, why: string): string {
  return `chain re-planned (${why}): ${after ? replanNote(before, after) : `collection ${before?.current?.collectionDay ?? 'none'} → now waiting`}`;
}

/** The line held ahead, confirmed for the whole manufacturing and QC time from receipt. */
export function lineConfirmRequest(s: JourneyState, at: string): JourneyEvent {
  return { type: 'line-confirm-requested', from: at, to: iso(Date.parse(at) + manufacturingDays(s.input) * batchClock(s.input).dayMs), at };
}

/** The timeline's note of a new chain: what moved. */
export function replanNote(before: ChainHold | undefined, after: { collectionDay: string }): string {
  return `collection ${before?.current?.collectionDay ?? 'none'} → ${after.collectionDay}`;
}
