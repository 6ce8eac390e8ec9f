import { evolve, initialState, type JourneyInput, type JourneyState } from '../../src/domain/batch/index.js';
import { productProfile } from '../../src/domain/profiles.js';
import type { Stage } from '../../src/domain/stages.js';

/** What a batch of `productId` (a copy of `autologous-cd19-fresh`) at these sites is enrolled with. */
export function journeyInput(where: { batchId: string; productId: string; apheresis: string; facility: string; infusion: string; timeScale?: number }): JourneyInput {
  return {
    batchId: where.batchId,
    coiId: `COI-${where.batchId}`,
    productId: where.productId,
    profile: { ...productProfile('autologous-cd19-fresh'), id: where.productId },
    apheresisCenterId: where.apheresis,
    facilityId: where.facility,
    treatmentCenterId: where.infusion,
    timeScale: where.timeScale ?? 1,
  };
}

/**
 * The decider's state of a batch enrolled at `enrolledAt` that went through `stages` in order, each
 * entered at its instant: what the workflow hands the forecast activity at a landmark.
 */
export function stateThrough(input: JourneyInput, enrolledAt: string, stages: readonly [Stage, string][]): JourneyState {
  let state = initialState(input, enrolledAt);
  for (const [to, at] of stages) state = evolve(state, { type: 'stage-changed', from: state.stage, to, at });
  return state;
}
