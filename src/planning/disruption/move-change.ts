import { addDays, daysBetween, type LocalDate } from '../../domain/calendar-day.js';
import { describeChange, type PlanChange } from '../../domain/planning/plan-diff.js';
import type { Chain } from '../../domain/planning/feasible-chains.js';
import type { ChainRecord } from '../capacity/index.js';

/** The days of a chain, as shown in an answer. */
export interface MovedChain {
  version: number;
  facilityId: string;
  collectionDay: LocalDate;
  infusionDay: LocalDate;
}

/** What moved for one batch: its chain before, the one booked instead (null: it now waits), and the sentence its alert says. */
export interface DisruptionMove {
  batchId: string;
  from: MovedChain;
  to: MovedChain | null;
  message: string;
}

const shown = (c: ChainRecord): MovedChain => ({ version: c.version, facilityId: c.facilityId, collectionDay: c.collectionDay, infusionDay: c.infusionDay });

/**
 * The move as a plan change (the planner's diff, so a disruption and a re-plan of the whole plan
 * say what moved in the same words), counted in days from the earlier chain's collection day.
 */
export function chainMoveChange(before: ChainRecord, after: ChainRecord | null): DisruptionMove {
  const start = before.collectionDay;
  const planned = (c: ChainRecord): Chain => ({
    collectionDay: daysBetween(start, c.collectionDay), facilityId: c.facilityId,
    lineStartDay: daysBetween(start, c.lineStartDay), lineEndDay: daysBetween(start, c.lineEndDay), infusionDay: daysBetween(start, c.infusionDay),
  });
  const from = planned(before);
  const change: PlanChange = after
    ? { kind: 'moved', orderId: before.batchId, from, to: planned(after), infusionShiftDays: daysBetween(before.infusionDay, after.infusionDay) }
    : { kind: 'now-waiting', orderId: before.batchId, from };
  return { batchId: before.batchId, from: shown(before), to: after ? shown(after) : null, message: describeChange(change, (day) => addDays(start, day)) };
}
