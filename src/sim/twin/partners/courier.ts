import { DAY_MS, HOUR_MS } from '../../../domain/durations.js';
import { iso } from '../../../domain/instant.js';
import type { Leg } from '../../../domain/stages.js';
import type { BatchAgent, Next } from '../batch-agent.js';
import { days } from '../days.js';
import { sample } from '../sample.js';
import { scan, shipmentIdOf } from './commands.js';
import { planSensorIssue } from './sensors.js';

/** Collected material is picked up once it is ready: at once when fresh, after freezing when cryopreserved. */
export function pickUp(agent: BatchAgent, now: number): Next {
  const drawn = agent.planned(`pickup:${agent.attempt}`, agent.lastAt, () => sample(agent.params.outboundHoldHours, agent.rng) * HOUR_MS);
  const at = Math.max(drawn, slotPickup(agent));
  if (at > now) return at;
  startLeg(agent, 'outbound', now);
  return 'again';
}

/**
 * Frozen starting material keeps: on a slot chain it is shipped to arrive on its line's first day
 * (a few hours into it), not days early to wait at the facility. Fresh material leaves at once.
 */
function slotPickup(agent: BatchAgent): number {
  const plan = agent.holds.plan;
  const { input, params, world } = agent;
  if (!agent.chain || !plan || input.profile.startingMaterial !== 'cryopreserved') return -Infinity;
  return plan.day * DAY_MS + SLOT_ARRIVAL_HOURS * HOUR_MS - world.typicalTransitMs(input.apheresisCenterId, input.facilityId, params.outboundTransitFactor);
}
const SLOT_ARRIVAL_HOURS = 6;

/** Released product leaves in a dry shipper, when one is free and working. */
export function pickUpReturn(agent: BatchAgent, now: number): Next {
  const at = agent.planned(`return-pickup:${agent.attempt}`, agent.lastAt, () => days(sample(agent.params.returnPickupDays, agent.rng)));
  if (at > now) return at;
  if (agent.holds.shipper === undefined) {
    if (agent.holds.queued === 'shipper') return 'wait';
    agent.world.requestShipper(agent, () => agent.step());
    return 'wait';
  }
  agent.world.unstore(agent);
  startLeg(agent, 'return', now);
  return 'again';
}

/** The receiving site scans the bag when the courier arrives (later, if a hold kept it waiting). */
export function deliver(agent: BatchAgent, leg: Leg, now: number): Next {
  const from = agent.lastAt;
  const arrival = agent.planned(`arrival:${leg}:${agent.attempt}`, from, () => transitOf(agent, leg).transitMs);
  if (arrival > now) return arrival;
  const site = leg === 'outbound' ? agent.input.facilityId : agent.input.treatmentCenterId;
  scan(agent, leg === 'outbound' ? 'facility-receipt' : 'site-receipt', site);
  if (leg === 'return') agent.world.releaseShipper(agent);
  return 'again';
}

function transitOf(agent: BatchAgent, leg: Leg) {
  const { input } = agent;
  const [from, to] = leg === 'outbound' ? [input.apheresisCenterId, input.facilityId] : [input.facilityId, input.treatmentCenterId];
  const factor = leg === 'outbound' ? agent.params.outboundTransitFactor : agent.params.returnTransitFactor;
  const plan = agent.world.leg(agent, from, to, factor, agent.rng);
  if (leg === 'outbound') agent.attributes.laneOutboundId = plan.laneId;
  else agent.attributes.laneReturnId = plan.laneId;
  return plan;
}

/** The scan that starts a leg, the arrival it will have, and what its logger will report on the way. */
function startLeg(agent: BatchAgent, leg: Leg, now: number) {
  const { transitMs } = transitOf(agent, leg);
  const arrival = now + transitMs;
  agent.plan.set(`arrival:${leg}:${agent.attempt}`, arrival);
  scan(agent, leg === 'outbound' ? 'outbound-pickup' : 'return-pickup', leg === 'outbound' ? agent.input.apheresisCenterId : agent.input.facilityId);
  const shipmentId = shipmentIdOf(agent, leg);
  const deviceId = leg === 'return' && agent.holds.shipper ? agent.holds.shipper : `logger-${shipmentId}`;
  const sensors = agent.world.scenario.sensors;
  if (agent.rng.chance(sensors.legExcursionProbability)) planSensorIssue(agent, 'excursion', deviceId, now, arrival, 'temperature_c');
  if (agent.rng.chance(sensors.legTelemetryGapProbability)) planSensorIssue(agent, 'telemetry_gap', deviceId, now, arrival);
  // A leg over its stability window is a deviation QA must assess (the shipment workflow's timer in production).
  const stabilityMs = agent.input.profile.legs[leg].stabilityHours * HOUR_MS;
  if (transitMs > stabilityMs) {
    agent.world.queue.at(now + stabilityMs, () => {
      if (agent.state.shipments.some((s) => s.shipmentId === shipmentId && s.state === 'in_transit')) {
        agent.signal({ type: 'leg-overdue', shipmentId, leg, at: iso(agent.now) });
      }
    });
  }
}
