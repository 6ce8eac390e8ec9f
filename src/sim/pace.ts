import type { HandoffStep, Milestone } from '../domain/commands.js';
import type { ProductProfile } from '../domain/profile.js';
import type { Awaiting } from '../../workflows/messages.js';

/**
 * How long, in days, each thing a batch waits for takes in the real world: the pace of the
 * simulated partners (manufacturing from the product profile, the rest typical values).
 */
export function realisticDelayDays(p: ProductProfile, awaiting: NonNullable<Awaiting>): number {
  if (awaiting.kind === 'milestone') {
    const m = awaiting.milestone;
    const manufacturing: Partial<Record<Milestone, number>> = {
      'apheresis-scheduled': 3,
      'manufacturing-started': 0.5,
      'activation-complete': p.manufacturingDays.activation,
      'transduction-complete': p.manufacturingDays.transduction,
      'expansion-complete': p.manufacturingDays.expansion,
      'harvest-complete': p.manufacturingDays.harvest,
      'cryopreservation-complete': p.manufacturingDays.cryopreservation,
      'qc-complete': p.qcDays,
    };
    return manufacturing[m] ?? 1;
  }
  if (awaiting.kind === 'handoff') {
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
  if (awaiting.kind === 'qa-disposition') return 0.75;
  return 0.5;
}

