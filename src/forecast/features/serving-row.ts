import type { JourneyState } from '../../domain/batch/index.js';
import { HOUR_MS } from '../../domain/durations.js';
import { encodeFacts, type FeatureRow, type FeatureSpec, type LandmarkFacts } from './feature-list.js';

/**
 * What the caller knows at a landmark beyond the decider's state: the worker reads it from
 * PostgreSQL at a stage change; the training builder derives it from the history at that instant.
 */
export interface LandmarkContext {
  /** The landmark's instant (ISO). */
  at: string;
  /** Other batches at the batch's facility in MANUFACTURING, and in QC_TESTING or AWAITING_QA_RELEASE. */
  queue: { manufacturing: number; qc: number };
  lanes?: { outbound?: string; return?: string };
  /** Viable cells collected (10^9); used only once the batch has been collected. */
  cellYield?: number;
  /** The latest risk reported for the batch's bioreactor, if any. */
  equipmentRisk?: number;
}

const hoursBetween = (from: string | undefined, to: string) => (from === undefined ? null : (Date.parse(to) - Date.parse(from)) / HOUR_MS);

/**
 * What is known of a batch at a landmark. The one function both the training rows and the worker's
 * forecast go through, so the two cannot disagree about what a feature means.
 */
export function landmarkFacts(state: JourneyState, context: LandmarkContext): LandmarkFacts {
  const { input, timeline } = state;
  const stageEntries = timeline.filter((t) => t.event === 'stage');
  const lastCollection = stageEntries.filter((t) => t.stage === 'COLLECTED').at(-1);
  const open = state.issues.filter((i) => i.state === 'open');
  const when = new Date(context.at);
  return {
    product: input.productId,
    facility: input.facilityId,
    apheresis_centre: input.apheresisCenterId,
    treatment_centre: input.treatmentCenterId,
    lane_outbound: context.lanes?.outbound ?? null,
    lane_return: context.lanes?.return ?? null,
    stage: state.stage,
    held_from: state.stage === 'ON_HOLD' ? (state.heldFrom ?? null) : null,
    attempt: state.attempt,
    hours_in_stage: hoursBetween(stageEntries.at(-1)?.at ?? timeline[0]?.at, context.at),
    hours_since_collection: hoursBetween(lastCollection?.at, context.at),
    hours_since_enrolment: hoursBetween(timeline[0]?.at, context.at),
    // A yield is only measured at collection: before it, knowing one would be a leak from the future.
    cell_yield: lastCollection ? (context.cellYield ?? null) : null,
    manufacturing_steps_done: state.manufacturing.done,
    quarantined: state.quarantined ? 1 : 0,
    line_refusals: timeline.filter((t) => t.event === 'no-manufacturing-line').length,
    queue_manufacturing: context.queue.manufacturing,
    queue_qc: context.queue.qc,
    open_issues: open.length,
    open_excursions: open.filter((i) => i.kind !== 'deviation').length,
    issues_so_far: state.issues.length,
    equipment_risk: context.equipmentRisk ?? null,
    day_of_week: when.getUTCDay(),
    hour_of_day: when.getUTCHours(),
    month: when.getUTCMonth() + 1,
  };
}

/** The encoded row of a batch at a landmark, in `spec`'s codes: landmarkFacts, encoded. */
export function servingRow(state: JourneyState, context: LandmarkContext, spec: FeatureSpec): FeatureRow {
  return encodeFacts(spec, landmarkFacts(state, context));
}
