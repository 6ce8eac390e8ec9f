import { evolve, initialState, stillAhead, type JourneyEvent, type JourneyState } from '../../domain/batch/index.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import { DAY_MS } from '../../domain/durations.js';
import type { Stage } from '../../domain/stages.js';
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

/** Recorded journeys and where their history stops (a twin run is one): what landmarks are cut from. */
export interface JourneyHistory {
  batches: readonly BatchJourneyRecord[];
  endAt: string;
}

/** A batch has one landmark per instant (every event of one decision shares it): the landmarks table's key. */
export const landmarkKey = (batchId: string, at: Date | string) => `${batchId}:landmark:${new Date(at).toISOString()}`;

/** The targets a batch has still to reach at a landmark: the only ones it can be labelled with or forecast for. */
export const targetsAhead = (state: JourneyState) => TARGETS.filter((t) => stillAhead(state, t.stage));

interface Landmark {
  batch: BatchJourneyRecord;
  state: JourneyState;
  at: string;
  equipmentRisk?: number;
  /** The next entry to each target's stage after the landmark, if the history saw one by its end. */
  next: Record<TargetName, string | null>;
}

/**
 * The landmarks of one batch: after each decision (the events sharing one instant) that moved a
 * stage or reached a milestone, while a target was still ahead. The state is the decider's own,
 * replayed, so it is exactly what the workflow would hold at that moment.
 */
function landmarksOf(batch: BatchJourneyRecord, end: number): Landmark[] {
  const times = batch.events.map((e) => Date.parse(e.at));
  const events = batch.events.filter((_, i) => times[i]! <= end);
  const found: { state: JourneyState; at: string; equipmentRisk: number | undefined; next: number }[] = [];
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
    if (moved && stillAhead(state, 'RECEIVED_AT_SITE')) found.push({ state, at, equipmentRisk, next: i });
  }
  if (found.length === 0) return [];
  const entries = TARGETS.map((t) => nextEntries(batch.events, times, t.stage, end));
  return found.map(({ next, ...l }) => ({
    batch, ...l,
    next: Object.fromEntries(TARGETS.map((t, k) => [t.name, entries[k]![next] ?? null])) as Record<TargetName, string | null>,
  }));
}

/**
 * For each event index, the next entry to `stage` from there on, if the history saw one by `end`:
 * one pass from the back, so a batch's landmarks do not each scan its events again.
 */
function nextEntries(events: readonly JourneyEvent[], times: readonly number[], stage: Stage, end: number): (string | null)[] {
  const next = new Array<string | null>(events.length + 1).fill(null);
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    next[i] = times[i]! > end ? null : e.type === 'stage-changed' && e.to === stage ? e.at : next[i + 1]!;
  }
  return next;
}

/**
 * Every landmark of a history with what was known then (`facts`), the targets still ahead and
 * when the history saw each reached (null: not by `end`). The landmarks table stores these (history
 * mode); `landmarkRows` labels and encodes them, so the two cannot disagree.
 */
export interface HistoryLandmark {
  batch: BatchJourneyRecord;
  stage: Stage;
  at: string;
  facts: LandmarkFacts;
  ahead: TargetName[];
  outcomeAt: Record<TargetName, string | null>;
}

/** The landmarks of every batch up to `end`, the queue counted across all of them by one sweep. */
export function historyLandmarks(batches: readonly BatchJourneyRecord[], end: number): HistoryLandmark[] {
  const landmarks = batches.flatMap((b) => landmarksOf(b, end));
  const queues = queueLoads(batches, landmarks.map((l) => ({ batchId: l.batch.input.batchId, facilityId: l.batch.input.facilityId, at: Date.parse(l.at) })), end);
  return landmarks.map((l, i) => {
    const ahead = targetsAhead(l.state);
    const outcomeAt = Object.fromEntries(
      TARGETS.map((t) => [t.name, ahead.includes(t) ? l.next[t.name] : null]),
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
export function historyEndOf(history: JourneyHistory | readonly BatchJourneyRecord[], historyEnd?: string): number {
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
export function landmarkRows(history: JourneyHistory | readonly BatchJourneyRecord[], options: LandmarkOptions = {}): { rows: LandmarkRow[]; spec: FeatureSpec } {
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
