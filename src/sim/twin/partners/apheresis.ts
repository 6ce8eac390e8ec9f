import { isEnded } from '../../../domain/batch/index.js';
import type { BatchAgent, Next } from '../batch-agent.js';
import { days } from '../days.js';
import { HOUR_MS } from '../../../domain/durations.js';
import { sample, typical } from '../sample.js';
import { milestone, NO_RECOLLECTION, scan, withdraw } from './commands.js';

const DROPOUT_REASONS = ['disease progression', 'death before infusion', 'no longer eligible (organ function, infection)'] as const;

/** The coordinator books a collection chair a few days out, once the patient is cleared for apheresis. */
export function scheduleApheresis(agent: BatchAgent, now: number): Next {
  const at = agent.planned(`apheresis-booking:${agent.attempt}`, agent.lastAt, () => days(sample(agent.params.apheresisBookingDays, agent.rng)));
  if (at > now) return at;
  const collectionAt = bookChair(agent, now);
  if (collectionAt === 'wait') return 'wait';
  milestone(agent, 'apheresis-scheduled', `${agent.input.apheresisCenterId} apheresis coordinator`, { collectionDate: new Date(collectionAt).toISOString() });
  return 'again';
}

/** After a failure the patient is collected again, or does not proceed. */
export function scheduleRecollection(agent: BatchAgent, now: number): Next {
  const key = `recollect:${agent.attempt}`;
  if (!agent.plan.has(`${key}:decided`)) {
    agent.plan.set(`${key}:decided`, agent.rng.chance(agent.params.recollectionProbability) ? 1 : 0);
  }
  const at = agent.planned(key, agent.lastAt, () => days(sample(agent.params.recollectionDelayDays, agent.rng)));
  if (at > now) return at;
  if (agent.plan.get(`${key}:decided`) === 0) {
    withdraw(agent, NO_RECOLLECTION);
    return 'again';
  }
  const collectionAt = bookChair(agent, now, agent.attempt + 1);
  if (collectionAt === 'wait') return 'wait';
  milestone(agent, 'recollection-scheduled', `${agent.input.apheresisCenterId} apheresis coordinator`, { collectionDate: new Date(collectionAt).toISOString() });
  return 'again';
}

/** The bag is collected and labelled with a new DIN; the first collection starts the patient's clock. */
export function collect(agent: BatchAgent, now: number): Next {
  const at = agent.plan.get(collectionKey(agent)) ?? bookChair(agent, now);
  if (at === 'wait') return 'wait';
  if (at > now) return at;
  agent.attributes.cellYield = Math.max(0.05, sample(agent.params.cellYield, agent.rng));
  scan(agent, 'collection', agent.input.apheresisCenterId, agent.world.din(agent, now));
  // The chain's chair is used: nothing to give back any more.
  agent.holds.collection = undefined;
  if (agent.firstCollectionAt === undefined) {
    agent.firstCollectionAt = now;
    // With an allocation the clock started at the order (waiting on the list counts).
    if (!agent.world.scenario.allocation) scheduleDropout(agent, now);
  }
  return 'again';
}

/** The patient stops being able to proceed `dropoutAfterDays` after `from`, unless infused (or ended) by then. */
export function scheduleDropout(agent: BatchAgent, from: number): void {
  if (!Number.isFinite(agent.dropoutAfterDays)) return;
  const reason = DROPOUT_REASONS[Math.floor(agent.rng.uniform() * DROPOUT_REASONS.length)]!;
  agent.world.queue.at(from + days(agent.dropoutAfterDays), () => {
    if (!agent.ended && !isEnded(agent.state) && agent.state.stage !== 'INFUSED') {
      withdraw(agent, reason);
      agent.step();
    }
  });
}

const collectionKey = (agent: BatchAgent, attempt = agent.attempt) => `collection:${attempt}`;

/**
 * A collection chair, and with it a promise of a line at the facility for when the material
 * arrives. Fresh material cannot wait for a line, so its collection moves to the promised slot;
 * cryopreserved material is collected when the patient is ready and waits for its slot frozen.
 */
function bookChair(agent: BatchAgent, now: number, attempt = agent.attempt): number | 'wait' {
  const { input, params, world } = agent;
  if (world.chains) return requestChain(agent, now, attempt);
  const earliest = now + days(sample(params.apheresisLeadDays, agent.rng));
  const toFacility = typical(params.outboundHoldHours) * HOUR_MS + world.typicalTransitMs(input.apheresisCenterId, input.facilityId, params.outboundTransitFactor) + days(0.5);
  const lineDays = Object.values(input.profile.manufacturingDays).reduce((a, d) => a + d, 0) + 1;
  const start = world.reserveLine(agent, earliest + toFacility, lineDays);
  const collectFrom = input.profile.startingMaterial === 'fresh' ? Math.max(earliest, start - toFacility) : earliest;
  const at = world.bookCollection(agent, collectFrom);
  agent.plan.set(collectionKey(agent, attempt), at);
  return at;
}

/**
 * Slot chain: the order joins the desk's waitlist once (per attempt), with the day the patient can
 * first be collected; the collection day comes with the chain. A first attempt may go to any of the
 * product's facilities in the region; a re-collection stays with its facility.
 */
function requestChain(agent: BatchAgent, now: number, attempt: number): number | 'wait' {
  const key = collectionKey(agent, attempt);
  const booked = agent.plan.get(key);
  if (booked !== undefined) return booked;
  if (agent.plan.has(`chain-requested:${attempt}`)) return 'wait';
  agent.plan.set(`chain-requested:${attempt}`, 1);
  const earliest = now + days(sample(agent.params.apheresisLeadDays, agent.rng));
  const facilityIds = attempt === 1 ? agent.candidateFacilities : [agent.input.facilityId];
  agent.world.chains!.enter(agent, earliest, facilityIds, (collectionAt) => {
    agent.plan.set(key, collectionAt);
    agent.step();
  });
  return 'wait';
}
