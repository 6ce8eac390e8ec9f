import { chainOf, type Chain } from './feasible-chains.js';
import type { Plan } from './problem.js';

export type PlanChange =
  /** Still planned, on another chain; `infusionShiftDays` < 0 is earlier, > 0 later, 0 a same-day move (another facility or collection day). */
  | { kind: 'moved'; orderId: string; from: Chain; to: Chain; infusionShiftDays: number }
  | { kind: 'newly-planned'; orderId: string; to: Chain }
  | { kind: 'now-waiting'; orderId: string; from: Chain }
  /** Planned or waiting before, absent from the new plan (infused, cancelled, or left the horizon). */
  | { kind: 'gone'; orderId: string; from: Chain | null };

function sameChain(a: Chain, b: Chain): boolean {
  return a.collectionDay === b.collectionDay && a.facilityId === b.facilityId && a.lineStartDay === b.lineStartDay && a.lineEndDay === b.lineEndDay && a.infusionDay === b.infusionDay;
}

/**
 * What a re-plan changed, for its alert: every order whose chain moved, that gained a chain, that
 * lost one, or that left the plan. Both plans must count days from the same day 0 (a rolling
 * horizon shifts the older plan first). Ordered by order id so the alert is repeatable.
 */
export function diffPlans(before: Plan, after: Plan): PlanChange[] {
  const was = new Map(before.assignments.map((a) => [a.orderId, chainOf(a)]));
  const now = new Map(after.assignments.map((a) => [a.orderId, chainOf(a)]));
  const waitingNow = new Set(after.waiting);
  const known = new Set([...was.keys(), ...before.waiting, ...now.keys(), ...after.waiting]);
  const changes: PlanChange[] = [];
  for (const orderId of [...known].sort()) {
    const from = was.get(orderId) ?? null;
    const to = now.get(orderId) ?? null;
    if (from && to) {
      if (!sameChain(from, to)) changes.push({ kind: 'moved', orderId, from, to, infusionShiftDays: to.infusionDay - from.infusionDay });
    } else if (to) {
      changes.push({ kind: 'newly-planned', orderId, to });
    } else if (waitingNow.has(orderId)) {
      if (from) changes.push({ kind: 'now-waiting', orderId, from });
    } else {
      changes.push({ kind: 'gone', orderId, from });
    }
  }
  return changes;
}

/**
 * One line per change for an alert, e.g. "o-7: infusion day 12 → 15 (3 days later) at fac-b". Given
 * `dateOf` (plan day → calendar date), the days are dates and a move names its collection days too:
 * "b-1: collection 2027-01-11 → 2027-01-14, infusion 2027-02-02 → 2027-02-05 (3 days later) at fac-b".
 */
export function describeChange(change: PlanChange, dateOf?: (day: number) => string): string {
  const day = (d: number) => (dateOf ? dateOf(d) : `day ${d}`);
  switch (change.kind) {
    case 'moved': {
      const shift = change.infusionShiftDays;
      const when = shift === 0 ? 'same infusion day' : `${Math.abs(shift)} day${Math.abs(shift) === 1 ? '' : 's'} ${shift < 0 ? 'earlier' : 'later'}`;
      const collection = dateOf ? `collection ${dateOf(change.from.collectionDay)} → ${dateOf(change.to.collectionDay)}, ` : '';
      const to = dateOf ? dateOf(change.to.infusionDay) : String(change.to.infusionDay);
      return `${change.orderId}: ${collection}infusion ${day(change.from.infusionDay)} → ${to} (${when}) at ${change.to.facilityId}`;
    }
    case 'newly-planned':
      return `${change.orderId}: now planned, infusion ${day(change.to.infusionDay)} at ${change.to.facilityId}`;
    case 'now-waiting':
      return `${change.orderId}: lost its chain (was infusion ${day(change.from.infusionDay)} at ${change.from.facilityId}); waiting`;
    case 'gone':
      return `${change.orderId}: no longer in the plan`;
  }
}
