import type { HandoffStep, Milestone } from '../domain/commands.js';
import type { ProductProfile } from '../domain/profile.js';
import type { AwaitingStep } from './v2v-api.js';
import type { Random } from '../domain/random.js';

/**
 * How long, in days, each thing a batch waits for takes in the real world: manufacturing, QC and
 * transit from the product profile, the rest typical values. The time-skipping workflow tests
 * use it too, so both drivers let the same time pass.
 */
export function realisticDelayDays(p: ProductProfile, awaiting: AwaitingStep): number {
  switch (awaiting.kind) {
    case 'milestone': {
      const byMilestone: Partial<Record<Milestone, number>> = {
        'apheresis-scheduled': 3,
        'manufacturing-started': 0.5,
        'activation-complete': p.manufacturingDays.activation,
        'transduction-complete': p.manufacturingDays.transduction,
        'expansion-complete': p.manufacturingDays.expansion,
        'harvest-complete': p.manufacturingDays.harvest,
        'cryopreservation-complete': p.manufacturingDays.cryopreservation,
        'qc-complete': p.qcDays,
      };
      return byMilestone[awaiting.milestone] ?? 1;
    }
    case 'handoff': {
      const byStep: Record<HandoffStep, number> = {
        collection: 7,
        'outbound-pickup': 0.2,
        'facility-receipt': p.legs.outbound.nominalHours / 24,
        'return-pickup': 1,
        'site-receipt': p.legs.return.nominalHours / 24,
        infusion: 0.1,
      };
      return byStep[awaiting.step];
    }
    case 'qa-disposition':
      return 0.75;
    // QA on call assesses within hours, well inside the profile's escalation time.
    case 'excursion-assessment':
      return 0.25;
    default:
      return 0.5;
  }
}

/**
 * The pace of live mode's partners: how long, in days of the batch's clock, one of them takes to
 * answer. Drawn from the product profile's nominal values with a seeded spread; the twin's scenario
 * (src/sim/scenario/) will supply per-product distributions through the same interface once it exists.
 */
export interface Pace {
  days(profile: ProductProfile, awaiting: AwaitingStep, random: Random): number;
}

/** Spread of real durations around the nominal ones (σ of their logarithm, a log-normal): about ±20 %. */
const SPREAD = 0.2;

export const profilePace: Pace = {
  days: (profile, awaiting, random) => realisticDelayDays(profile, awaiting) * Math.exp(SPREAD * random.normal()),
};
