import { MANUFACTURING_STEPS } from '../../../domain/batch/index.js';
import type { Milestone } from '../../../domain/commands.js';
import { iso } from '../../../domain/instant.js';
import type { BatchAgent, Next } from '../batch-agent.js';
import { days } from '../days.js';
import type { ProductParameters } from '../../scenario/product-parameters.js';
import { sample } from '../sample.js';
import { milestone } from './commands.js';
import { planSensorIssue } from './sensors.js';

type Step = (typeof MANUFACTURING_STEPS)[number];
const PROFILE_STEP: Record<Step, 'activation' | 'transduction' | 'expansion' | 'harvest' | 'cryopreservation'> = {
  'activation-complete': 'activation',
  'transduction-complete': 'transduction',
  'expansion-complete': 'expansion',
  'harvest-complete': 'harvest',
  'cryopreservation-complete': 'cryopreservation',
};

/**
 * Received material waits for a line (and a working bioreactor) in the facility's queue. The real
 * workflow asks PostgreSQL for a slot and retries hourly when refused; the twin models the lines as
 * a resource and answers the decider's request with `granted: true` when one frees, first come
 * first served — the same outcome without the retry commands.
 */
export function startManufacturing(agent: BatchAgent): Next {
  if (agent.holds.line || agent.holds.queued === 'line') return 'wait';
  agent.world.requestLine(agent, (equipmentId) => {
    if (agent.ended) return agent.world.releaseLine(agent);
    if (agent.state.slot.state === 'requested') agent.send({ type: 'slot-answer', granted: true, at: iso(agent.now) });
    if (equipmentId) agent.attributes.equipmentId = equipmentId;
    milestone(agent, 'manufacturing-started', `${agent.input.facilityId} MES`, equipmentId ? { equipmentId } : undefined);
    planRun(agent, equipmentId);
    agent.step();
  });
  return 'wait';
}

/** The next step completes on schedule, unless the run fails first. */
export function nextManufacturingStep(agent: BatchAgent, step: Milestone, now: number): Next {
  const index = MANUFACTURING_STEPS.indexOf(step as Step);
  if (index < 0) throw new Error(`The twin has no partner for milestone ${step}.`);
  const at = agent.planned(stepKey(agent, index), agent.lastAt, () => stepDurationMs(agent, step as Step));
  // Picked up mid-run (a forecast): the rest of the run may still fail, in proportion to what is left.
  if (!agent.plan.has(failDecidedKey(agent))) decideFailure(agent, now, at, (MANUFACTURING_STEPS.length - index) / MANUFACTURING_STEPS.length);
  const failAt = agent.plan.get(`fail:${agent.attempt}`);
  if (failAt !== undefined && failAt <= at) {
    if (failAt > now) return failAt;
    milestone(agent, 'manufacturing-failed', `${agent.input.facilityId} MES`, { reason: 'run out of specification (viability, expansion or sterility)' });
    return 'again';
  }
  if (at > now) return at;
  milestone(agent, step, `${agent.input.facilityId} MES`);
  if (step === 'cryopreservation-complete') {
    // The product is frozen: the line is free, the product waits in storage for QC and QA.
    agent.world.releaseLine(agent);
    agent.world.releasePlan(agent);
    agent.world.store(agent);
  }
  return 'again';
}

/** Release testing starts when the QC lab has room, and takes working days. */
export function completeQc(agent: BatchAgent, now: number): Next {
  const key = `qc:${agent.attempt}`;
  const at = agent.plan.get(key);
  if (at === undefined) {
    if (agent.holds.qc || agent.holds.queued === 'qc') return 'wait';
    agent.world.requestQc(agent, (since) => {
      const calendar = agent.world.calendar(agent.input.facilityId);
      agent.planned(key, since, () => calendar.addWorkingDays(since, sample(agent.params.qcWorkingDays, agent.rng)) - since);
      agent.step();
    });
    return 'wait';
  }
  if (at > now) return at;
  const passed = !agent.rng.chance(agent.params.outOfSpecificationRate);
  milestone(agent, 'qc-complete', `${agent.input.facilityId} QC laboratory`, { passed });
  agent.world.releaseQc(agent);
  return 'again';
}

/** A run's schedule, drawn when it starts: each step's end, and whether (and when) it fails. */
function planRun(agent: BatchAgent, equipmentId: string | undefined) {
  const start = agent.now;
  let t = start;
  MANUFACTURING_STEPS.forEach((step, i) => {
    t += stepDurationMs(agent, step);
    agent.plan.set(stepKey(agent, i), t);
  });
  decideFailure(agent, start, t, 1);
  if (equipmentId && agent.rng.chance(agent.world.scenario.sensors.bioreactorExcursionProbability)) {
    planSensorIssue(agent, 'excursion', equipmentId, start, t, 'dissolved_oxygen_pct');
  }
}

const stepKey = (agent: BatchAgent, index: number) => `step:${agent.attempt}:${index}`;
const failDecidedKey = (agent: BatchAgent) => `fail-decided:${agent.attempt}`;

/** Whether the run fails between `from` and `to` (a failure shows after the first fifth of it), and when. */
function decideFailure(agent: BatchAgent, from: number, to: number, share: number) {
  agent.plan.set(failDecidedKey(agent), 1);
  const p = failureProbability(agent.params, agent.attributes.cellYield) * share;
  if (agent.rng.chance(p)) agent.plan.set(`fail:${agent.attempt}`, from + (0.2 + 0.8 * agent.rng.uniform()) * (to - from));
}

/** Nominal days with spread; expansion also takes longer the fewer cells were collected. */
function stepDurationMs(agent: BatchAgent, step: Step): number {
  const { params } = agent;
  const name = PROFILE_STEP[step];
  let nominal = agent.input.profile.manufacturingDays[name];
  if (name === 'expansion') nominal = Math.max(0.6 * nominal, nominal + params.expansionDaysPerHalving * halvingsBelowReference(params, agent.attributes.cellYield));
  const cv = params.stepDurationCv;
  const factor = cv > 0 ? agent.rng.gamma(1 / (cv * cv), cv * cv) : 1;
  return days(nominal * factor);
}

/** log2(reference / yield): 1 for half the reference yield, −1 for twice it. */
const halvingsBelowReference = (params: ProductParameters, cellYield: number) => Math.log2(params.referenceYield / Math.max(cellYield, 1e-3));

/** The reference odds, times the odds ratio per halving of the yield below the reference. */
export function failureProbability(params: ProductParameters, cellYield: number): number {
  const { failureProbability: p, failureOddsPerHalving } = params;
  if (p <= 0 || p >= 1) return p;
  const odds = (p / (1 - p)) * Math.pow(failureOddsPerHalving, halvingsBelowReference(params, cellYield));
  return odds / (1 + odds);
}
