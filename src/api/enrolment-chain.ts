import type { PlanClock } from '../domain/batch/journey.js';
import type { EnrolCommand } from '../domain/commands.js';
import type { ProductProfile } from '../domain/profile.js';
import { bookFirstAvailable, CHAIN_ERR, installationClock, offerChains, type ChainRecord, type DatedChain, type Tx } from '../planning/capacity/index.js';
import type { ApiDeps } from './deps.js';
import { ApiError, unprocessableField } from './errors.js';

/**
 * The slot chain booked at enrolment (issue 18). The chains are read before the enrolment's
 * transaction and booked inside it, where the database's constraints decide who gets the last
 * slot: a chosen chain that is gone is a 409 and nothing of the enrolment is written. Without a
 * chosen chain the earliest that still fits is booked; when none fits the horizon the batch is
 * enrolled without one: it is waitlisted, which is exactly "a real-clock batch with no live chain".
 *
 * On a compressed clock (V2V_TIME_SCALE > 1, the demo) chains are planned in the shared simulated
 * calendar that V2V_CLOCK_ORIGIN starts (planClock) and held in real time; without an origin no
 * chain is booked and the batch asks for its line at receipt, as before.
 */
export type EnrolmentChainPlan =
  | { kind: 'unplanned' }
  | { kind: 'chosen' | 'earliest'; candidates: DatedChain[]; clock: PlanClock; horizonDays: number };

/** The calendar this installation plans chains in for a batch of `timeScale`, or undefined (none is planned). */
export const enrolmentClock = (deps: ApiDeps, timeScale = deps.config.V2V_TIME_SCALE): PlanClock | undefined => installationClock(deps.config, timeScale);

export async function planEnrolmentChain(deps: ApiDeps, command: EnrolCommand, profile: ProductProfile, facilityId: string, now = Date.now()): Promise<EnrolmentChainPlan> {
  const clock = enrolmentClock(deps);
  if (!clock) {
    if (command.chain) throw unprocessableField('chain', `Slot chains are booked in calendar days; this installation runs a compressed clock (V2V_TIME_SCALE=${deps.config.V2V_TIME_SCALE}) with no V2V_CLOCK_ORIGIN. Enrol without a chain.`);
    return { kind: 'unplanned' };
  }
  // The facility enrolment resolved (the chain's, the one named, or the default): GET /v1/slot-chains offers the others.
  const horizonDays = deps.config.V2V_BOOKING_HORIZON_DAYS;
  const offer = await offerChains(deps.db, { profile, apheresisCenterId: command.apheresisCenterId, treatmentCenterId: command.treatmentCenterId, facilityIds: [facilityId], from: now, horizonDays, clock });
  if (!command.chain) return { kind: 'earliest', candidates: offer.chains, clock, horizonDays };
  const { collectionDay } = command.chain;
  const chosen = offer.chains.find((c) => c.collectionDay === collectionDay && c.facilityId === facilityId);
  if (!chosen) throw chainGone(collectionDay, facilityId, horizonDays);
  return { kind: 'chosen', candidates: [chosen], clock, horizonDays };
}

const chainGone = (collectionDay: string, facilityId: string, horizonDays: number) =>
  new ApiError(409, CHAIN_ERR.UNAVAILABLE, `No slot chain collecting on ${collectionDay} through ${facilityId} is free any more (taken, closed, or outside the ${horizonDays}-day horizon): ask GET /v1/slot-chains again and choose another. Nothing was enrolled.`, [
    { in: 'body', path: ['chain'], code: 'chain_unavailable', message: `The chain collecting on ${collectionDay} through ${facilityId} is gone.` },
  ]);

/** Inside the enrolment's transaction: the chain booked, or null (waitlisted, or no plan on a compressed clock). */
export async function bookEnrolmentChain(tx: Tx, batchId: string, plan: EnrolmentChainPlan): Promise<ChainRecord | null> {
  if (plan.kind === 'unplanned') return null;
  const chain = await bookFirstAvailable(tx, batchId, plan.candidates, 'enrolment', plan.clock);
  if (!chain && plan.kind === 'chosen') throw chainGone(plan.candidates[0]!.collectionDay, plan.candidates[0]!.facilityId, plan.horizonDays);
  return chain;
}

/** The chain as the enrolment answer shows it. */
export const chainView = (c: ChainRecord) => ({
  chainId: c.chainId, version: c.version, state: c.state, collectionDay: c.collectionDay, collectionSlot: c.collectionSlot,
  facilityId: c.facilityId, line: c.line, lineStartDay: c.lineStartDay, lineEndDay: c.lineEndDay, infusionDay: c.infusionDay,
});
