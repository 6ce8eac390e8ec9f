import { evolve, initialState, type JourneyEvent, type JourneyState } from '../../domain/batch/index.js';
import { DAY_MS } from '../../domain/profile.js';
import { JOURNEY, type Stage } from '../../domain/stages.js';
import type { SimulatedBatch, SimulationResult } from '../../sim/records.js';
import { encodeFacts, featureSpec, TARGETS, type FeatureRow, type FeatureSpec, type LandmarkFacts, type TargetName } from './feature-list.js';
import { queueLoads } from './queue-sweep.js';
import { landmarkFacts, type LandmarkContext } from './serving-row.js';

/** One labelled landmark: the features known then, and the remaining days to each target (null: unknown). */
export interface LandmarkRow {
  batchId: string;
  productId: string;
  stage: Stage;
  at: string;
  features: FeatureRow;
  targets: Record<TargetName, number | null>;
  /** When each target was reached, so a time split can refuse outcomes from after its cut. */
  outcomeAt: Record<TargetName, string | null>;
}

export interface LandmarkOptions {
  /** Encode with an existing spec (a served model's) instead of building one from this history. */
  spec?: FeatureSpec;
  /** What the history knows stops here: later events are not seen (default: the result's end, or the last event). */
  historyEnd?: string;
}

/**
 * Has the batch still to enter `target`? ON_HOLD counts as the stage it holds, and FAILED as before
 * everything, because a failed attempt is re-collected under the same batch.
 */
export function stillAhead(state: JourneyState, target: Stage): boolean {
  const stage = state.stage === 'ON_HOLD' ? state.heldFrom : state.stage;
  if (stage === undefined || stage === 'CANCELLED') return false;
  if (stage === 'FAILED') return true;
  return JOURNEY.indexOf(stage as (typeof JOURNEY)[number]) < JOURNEY.indexOf(target as (typeof JOURNEY)[number]);
}

interface Landmark {
  batch: SimulatedBatch;
  state: JourneyState;
  at: string;
  equipmentRisk?: number;
  /** Index of the first event after the landmark. */
  next: number;
}

/**
 * The landmarks of one batch: after each decision (the events sharing one instant) that moved a
 * stage or reached a milestone, while a target was still ahead. The state is the decider's own,
 * replayed, so it is exactly what the workflow would hold at that moment.
 */
function landmarksOf(batch: SimulatedBatch, end: number): Landmark[] {
  const events = batch.events.filter((e) => Date.parse(e.at) <= end);
  const landmarks: Landmark[] = [];
  let state = initialState(batch.input, batch.enrolledAt);
  let equipmentRisk: number | undefined;
  for (let i = 0; i < events.length; ) {
    const at = events[i]!.at;
    let moved = false;
    for (; i < events.length && events[i]!.at === at; i++) {
      const e = events[i]!;
      state = evolve(state, e);
      moved ||= e.type === 'stage-changed' || e.type === 'milestone-reached';
      if (e.type === 'equipment-risk-noted') equipmentRisk = e.risk.risk;
    }
    if (moved && stillAhead(state, 'RECEIVED_AT_SITE')) landmarks.push({ batch, state, at, equipmentRisk, next: i });
  }
  return landmarks;
}

/** The next entry to `stage` from event `from` on, if the history saw one. */
function nextEntry(events: readonly JourneyEvent[], from: number, stage: Stage, end: number): string | null {
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    if (Date.parse(e.at) > end) return null;
    if (e.type === 'stage-changed' && e.to === stage) return e.at;
  }
  return null;
}

/**
 * Every landmark of a history with what was known then (`facts`), the targets still ahead and
 * when the history saw each reached (null: not by `end`). The landmarks table stores these (history
 * mode); `landmarkRows` labels and encodes them, so the two cannot disagree.
 */
export interface HistoryLandmark {
  batch: SimulatedBatch;
  stage: Stage;
  at: string;
  facts: LandmarkFacts;
  ahead: TargetName[];
  outcomeAt: Record<TargetName, string | null>;
}

/** The landmarks of every batch up to `end`, the queue counted across all of them by one sweep. */
export function historyLandmarks(batches: readonly SimulatedBatch[], end: number): HistoryLandmark[] {
  const landmarks = batches.flatMap((b) => landmarksOf(b, end));
  const queues = queueLoads(batches, landmarks.map((l) => ({ batchId: l.batch.input.batchId, facilityId: l.batch.input.facilityId, at: Date.parse(l.at) })), end);
  return landmarks.map((l, i) => {
    const ahead = TARGETS.filter((t) => stillAhead(l.state, t.stage));
    const outcomeAt = Object.fromEntries(
      TARGETS.map((t) => [t.name, ahead.includes(t) ? nextEntry(l.batch.events, l.next, t.stage, end) : null]),
    ) as Record<TargetName, string | null>;
    const { attributes } = l.batch;
    const context: LandmarkContext = {
      at: l.at,
      queue: queues[i]!,
      lanes: { outbound: attributes.laneOutboundId || undefined, return: attributes.laneReturnId || undefined },
      cellYield: attributes.cellYield,
      ...(l.equipmentRisk !== undefined ? { equipmentRisk: l.equipmentRisk } : {}),
    };
    return { batch: l.batch, stage: l.state.stage, at: l.at, facts: landmarkFacts(l.state, context), ahead: ahead.map((t) => t.name), outcomeAt };
  });
}

/** The end of what a history knows: the given one, the run's end, or its last event. */
export function historyEndOf(history: SimulationResult | readonly SimulatedBatch[], historyEnd?: string): number {
  if (historyEnd !== undefined) return Date.parse(historyEnd);
  if ('endAt' in history) return Date.parse(history.endAt);
  // A loop, not Math.max(...): a history of 20,000 batches has more events than a call has arguments.
  let lastEvent = -Infinity;
  for (const b of history) for (const e of b.events) lastEvent = Math.max(lastEvent, Date.parse(e.at));
  return lastEvent;
}

/**
 * Training rows from a history: one per batch per landmark, with only what was known then, and
 * labelled only with outcomes the history saw. A landmark with no known outcome (a batch still in
 * flight at the end, cancelled, or never released) gives no row. See docs/forecasting.md.
 */
export function landmarkRows(history: SimulationResult | readonly SimulatedBatch[], options: LandmarkOptions = {}): { rows: LandmarkRow[]; spec: FeatureSpec } {
  const batches = 'batches' in history ? history.batches : history;
  const end = historyEndOf(history, options.historyEnd);
  const spec =
    options.spec ??
    featureSpec({
      product: batches.map((b) => b.input.productId),
      site: batches.flatMap((b) => [b.input.facilityId, b.input.apheresisCenterId, b.input.treatmentCenterId]),
      lane: batches.flatMap((b) => [b.attributes.laneOutboundId, b.attributes.laneReturnId]),
    });
  const rows: LandmarkRow[] = [];
  for (const l of historyLandmarks(batches, end)) {
    if (Object.values(l.outcomeAt).every((o) => o === null)) continue;
    const days = (o: string | null) => (o === null ? null : (Date.parse(o) - Date.parse(l.at)) / DAY_MS);
    rows.push({
      batchId: l.batch.input.batchId,
      productId: l.batch.input.productId,
      stage: l.stage,
      at: l.at,
      features: encodeFacts(spec, l.facts),
      targets: Object.fromEntries(TARGETS.map((t) => [t.name, days(l.outcomeAt[t.name])])) as Record<TargetName, number | null>,
      outcomeAt: l.outcomeAt,
    });
  }
  return { rows, spec };
}
