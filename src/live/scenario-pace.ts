import { MANUFACTURING_STEPS } from '../domain/batch/index.js';
import type { ProductProfile } from '../domain/profile.js';
import type { ProductParameters } from '../sim/scenario/product-parameters.js';
import type { Scenario } from '../sim/scenario/scenario.js';
import { Random } from '../domain/random.js';
import { sample } from '../sim/twin/sample.js';
import type { AwaitingStep } from './v2v-api.js';
import type { Incident } from './incidents.js';
import { profilePace, realisticDelayDays, type Pace } from './pace.js';

type Step = (typeof MANUFACTURING_STEPS)[number];

/**
 * The pace of a twin scenario (scenarios/*.json): the same distributions the digital twin draws
 * from, per product, for what live mode's partners do. What the scenario leaves to its network
 * (lanes between its own sites, working-day calendars, capacity) is the real V2V's business here:
 * transit is the profile's nominal hours times the product's courier factor, and V2V itself
 * queues for lines and chairs. A product the scenario does not describe keeps the profile's pace.
 */
export function scenarioPace(scenario: Scenario): Pace {
  const byProduct = new Map(scenario.products.map((p) => [p.productId, p]));
  return {
    days(profile, awaiting, random) {
      const params = byProduct.get(profile.id);
      if (!params) return profilePace.days(profile, awaiting, random);
      return drawDays(scenario, params, profile, awaiting, random);
    },
  };
}

function drawDays(scenario: Scenario, p: ProductParameters, profile: ProductProfile, awaiting: AwaitingStep, random: Random): number {
  switch (awaiting.kind) {
    case 'milestone': {
      const m = awaiting.milestone;
      if ((MANUFACTURING_STEPS as readonly string[]).includes(m)) {
        // Each step spreads around its nominal days with the product's coefficient of variation (a gamma of mean 1).
        const shape = 1 / (p.stepDurationCv * p.stepDurationCv);
        const factor = p.stepDurationCv > 0 ? random.gamma(shape, 1 / shape) : 1;
        return realisticDelayDays(profile, { kind: 'milestone', milestone: m as Step }) * factor;
      }
      if (m === 'apheresis-scheduled') return sample(p.apheresisBookingDays, random);
      if (m === 'qc-complete') return sample(p.qcWorkingDays, random);
      if (m === 'physician-acceptance') return sample(p.physicianAcceptanceDays, random);
      if (m === 'recollection-scheduled') return sample(p.recollectionDelayDays, random);
      return realisticDelayDays(profile, awaiting);
    }
    case 'handoff':
      switch (awaiting.step) {
        case 'collection':
          return sample(p.apheresisLeadDays, random);
        case 'outbound-pickup':
          return sample(p.outboundHoldHours, random) / 24;
        case 'facility-receipt':
          return (profile.legs.outbound.nominalHours * p.outboundTransitFactor) / 24;
        case 'return-pickup':
          return sample(p.returnPickupDays, random);
        case 'site-receipt':
          return (profile.legs.return.nominalHours * p.returnTransitFactor) / 24;
        case 'infusion':
          return realisticDelayDays(profile, awaiting);
      }
      break;
    case 'qa-disposition':
      return sample(p.qaWorkingDays, random);
    case 'excursion-assessment':
      return sample(scenario.sensors.assessmentHours, random) / 24;
  }
  return realisticDelayDays(profile, awaiting);
}

/**
 * Excursions at the scenario's rates, for the legs and bioreactor runs the script leaves alone:
 * drawn from the run's seed, so the same seed and scenario give the same incidents.
 */
export function scenarioIncidents(scenario: Scenario, patients: number, seed: number, scripted: readonly Incident[]): Incident[] {
  const { legExcursionProbability, bioreactorExcursionProbability, excursionMinutes } = scenario.sensors;
  const random = Random.stream(seed, 'live-incidents');
  const drawn: Incident[] = [];
  const scriptedFor = (patient: number, kind: Incident['kind'], leg?: string) =>
    scripted.some((i) => i.patient === patient && i.kind === kind && (leg === undefined || !('leg' in i) || i.leg === leg));
  // Minutes are drawn whatever the chance decides, so one patient's draw never shifts another's.
  const minutes = () => Math.max(1, sample(excursionMinutes, random));
  for (let patient = 1; patient <= patients; patient++) {
    for (const leg of ['outbound', 'return'] as const) {
      const [hit, length] = [random.chance(legExcursionProbability), minutes()];
      if (hit && !scriptedFor(patient, 'transit-excursion', leg)) drawn.push({ kind: 'transit-excursion', patient, leg, afterHours: 2, minutes: length });
    }
    const [hit, length] = [random.chance(bioreactorExcursionProbability), minutes()];
    if (hit && !scriptedFor(patient, 'degrading-bioreactor')) drawn.push({ kind: 'degrading-bioreactor', patient, afterDays: 1, minutes: length });
  }
  return drawn;
}
