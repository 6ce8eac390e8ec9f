import { BOOKABLE_STAGES } from '../../../domain/batch/index.js';
import { infusionWindow } from '../../../domain/ld-window.js';
import { HOUR_MS, DAY_MS } from '../../../domain/durations.js';
import { iso } from '../../../domain/instant.js';
import type { BatchAgent, Next } from '../batch-agent.js';
import { days } from '../days.js';
import { sample } from '../sample.js';
import { scan, withdraw } from './commands.js';

/**
 * The hospital scheduler books LD and the infusion some days after release (its own planning,
 * beds, payer approval), once the courier has the product and its arrival is known, on the first
 * day with a free infusion chair that leaves room for the LD course before it.
 */
export function bookingSideAction(agent: BatchAgent, now: number): Next | undefined {
  const { stage, booking } = agent.state;
  // Before pickup the arrival is unknown; on site, `awaiting` asks for the booking itself.
  if (booking || stage === 'RELEASED' || stage === 'RECEIVED_AT_SITE' || !BOOKABLE_STAGES.includes(stage)) return undefined;
  return bookInfusion(agent, now);
}

export function bookInfusion(agent: BatchAgent, now: number): Next {
  const { state, input } = agent;
  const releasedAt = lastEntry(agent, 'RELEASED') ?? agent.lastAt;
  const centre = agent.world.scenario.network.treatmentCentres.find((t) => t.id === input.treatmentCenterId);
  const key = `booking:${agent.attempt}`;
  const { profile } = input;
  const receivedAt = state.receivedAtSite === undefined ? undefined : Date.parse(state.receivedAtSite);
  const drawn = agent.planned(key, releasedAt, () => days(sample(agent.params.bookingDelayDays, agent.rng) * (centre?.schedulingDelayFactor ?? 1)));
  // A slot chain planned the infusion day at enrolment: the hospital has nothing left to plan.
  const planned = agent.chain ? Math.min(drawn, Math.max(releasedAt, now)) : drawn;
  // However slow its own planning, the hospital books in time for the LD course before the product expires.
  const lastChance = receivedAt === undefined ? Infinity : receivedAt + days(profile.maxDaysReceiptToInfusion - profile.ld.courseDays - profile.ld.restDaysMin - 1);
  const at = Math.max(now, Math.min(planned, lastChance));
  if (at > now) return at;
  const arrival = receivedAt ?? agent.plan.get(`arrival:return:${agent.attempt}`) ?? now;
  const window = infusionWindow({ now, receivedAt, profile, dayMs: DAY_MS });
  if (window.earliest > window.latest) {
    withdraw(agent, 'product expired before an infusion could be booked');
    return 'again';
  }
  const earliest = Math.max(window.earliest, arrival + 12 * HOUR_MS);
  // The chain's chair was held for a planned day; the real booking takes whichever day is free first.
  if (agent.chain && agent.holds.chair) agent.world.releaseInfusion(agent);
  const infusionAt = agent.world.bookInfusion(agent, earliest, window.latest);
  const decision = infusionAt === undefined ? undefined : agent.send({ type: 'book', request: { infusionDate: iso(infusionAt) }, at: iso(now) });
  if (!decision || decision.refusal) {
    // No chair in the window (or the booking was refused): ask again tomorrow.
    if (decision) agent.world.releaseInfusion(agent);
    agent.plan.set(key, now + DAY_MS);
    return now + DAY_MS;
  }
  return 'again';
}

/** The infusion on the booked day; a product that arrived after it needs LD planned again. */
export function infuse(agent: BatchAgent, now: number): Next {
  const date = Date.parse(agent.state.booking!.infusionDate);
  if (now > date + 12 * HOUR_MS) {
    agent.send({ type: 'cancel-booking', at: iso(now) });
    agent.world.releaseInfusion(agent);
    return 'again';
  }
  if (date > now) return date;
  scan(agent, 'infusion', agent.input.treatmentCenterId);
  return 'again';
}

function lastEntry(agent: BatchAgent, stage: string): number | undefined {
  const { timeline } = agent.state;
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.stage === stage) return Date.parse(timeline[i]!.at);
  return undefined;
}
