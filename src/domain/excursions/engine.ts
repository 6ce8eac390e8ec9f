import { comparePairs, compareEpisodes, deriveFrom, type Pair, type Pending, type Snapshot } from './episodes.js';
import { INITIAL_RULE_STATE, stepRule } from './spells.js';
import type { EngineReading, Episode, EpisodeChange, RuleSet } from './types.js';

/**
 * The incremental excursion engine the telemetry consumer runs per device binding. Its state is plain
 * JSON, stored with the readings that produced it. Readings may arrive in any order and grouping:
 * those within the allowed lateness of the newest one stay *pending* and are re-evaluated on every
 * call; older ones are *settled* into a snapshot of each rule's machine. Whatever the arrival order,
 * the episodes reported equal `deriveEpisodes` over the accepted readings.
 */
export interface EngineState {
  v: 1;
  /** The newest event time accepted. */
  newestAt?: number;
  /** Readings at or before this instant are settled; one arriving now is too late to count. */
  settledAt?: number;
  /** The `now` of a gap sweep after the newest reading: it keeps the trailing gap open. */
  sweptAt?: number;
  settled: Snapshot;
  pending: Pending;
  /** Episodes reported and not yet both closed and settled: what the next call compares with. */
  episodes: Episode[];
}

export function newEngineState(): EngineState {
  return { v: 1, settled: { rules: {} }, pending: { pairs: {}, otherTimes: [] }, episodes: [] };
}

/** Takes a batch of readings; `tooLate` counts those at or before the settled instant, which are not evaluated. */
export function applyReadings(
  state: EngineState,
  readings: readonly EngineReading[],
  ruleSet: RuleSet,
  bindingId: string,
): { state: EngineState; changes: EpisodeChange[]; tooLate: number } {
  const next = structuredClone(state);
  const watched = new Set(ruleSet.rules.map((rule) => rule.metric));
  let tooLate = 0;
  for (const { metric, value, eventTime } of readings) {
    if (next.settledAt !== undefined && eventTime <= next.settledAt) {
      tooLate++;
      continue;
    }
    if (watched.has(metric)) insertSorted((next.pending.pairs[metric] ??= []), [eventTime, value + 0], comparePairs);
    else if (!next.pending.otherTimes.includes(eventTime)) insertSorted(next.pending.otherTimes, eventTime, (a, b) => a - b);
    if (next.newestAt === undefined || eventTime > next.newestAt) {
      next.newestAt = eventTime;
      // The device spoke after the sweep: whether it is silent again is for the next sweep to say.
      delete next.sweptAt;
      next.settledAt = Math.max(next.settledAt ?? -Infinity, eventTime - ruleSet.allowedLatenessMs);
    }
  }
  return { ...reconcile(next, ruleSet, bindingId), tooLate };
}

/** Opens a trailing telemetry gap once the device has been silent for longer than the rule set allows. */
export function sweepGaps(state: EngineState, now: number, ruleSet: RuleSet, bindingId: string): { state: EngineState; changes: EpisodeChange[] } {
  if (state.newestAt === undefined || (state.sweptAt !== undefined && now <= state.sweptAt)) return { state, changes: [] };
  const next = structuredClone(state);
  next.sweptAt = now;
  return reconcile(next, ruleSet, bindingId);
}

/** When the silence since the newest reading becomes a gap (a sweep after this instant opens it). */
export function gapDueAt(state: EngineState, ruleSet: RuleSet): number | undefined {
  if (state.newestAt === undefined) return undefined;
  if (state.episodes.some((episode) => episode.kind === 'telemetry_gap' && episode.closedAt === undefined)) return undefined;
  return state.newestAt + ruleSet.gapAfterMs;
}

export function openEpisodes(state: EngineState): Episode[] {
  return state.episodes.filter((episode) => episode.closedAt === undefined);
}

/** Re-derives from the snapshot, reports what changed, then settles what can no longer change. */
function reconcile(state: EngineState, ruleSet: RuleSet, bindingId: string): { state: EngineState; changes: EpisodeChange[] } {
  const derived = deriveFrom(bindingId, state.settled, state.pending, ruleSet, state.sweptAt);
  const changes = diff(state.episodes, derived);
  settle(state, ruleSet);
  const { settledAt } = state;
  state.episodes = derived.filter((episode) => episode.closedAt === undefined || settledAt === undefined || episode.closedAt > settledAt);
  return { state, changes };
}

function diff(known: readonly Episode[], derived: readonly Episode[]): EpisodeChange[] {
  const knownById = new Map(known.map((episode) => [episode.id, episode]));
  const derivedIds = new Set(derived.map((episode) => episode.id));
  // Withdrawals first, so a consumer sees a retraction before what replaces it.
  const changes: EpisodeChange[] = known
    .filter((episode) => !derivedIds.has(episode.id))
    .sort(compareEpisodes)
    .map((episode) => ({ change: 'withdrawn', episode }));
  for (const episode of derived) {
    const before = knownById.get(episode.id);
    if (before === undefined) {
      const { closedAt, ...opened } = episode;
      changes.push({ change: 'opened', episode: opened });
      if (closedAt !== undefined) changes.push({ change: 'closed', episode });
    } else if (before.closedAt === undefined && episode.closedAt !== undefined) {
      changes.push({ change: 'closed', episode });
    } else if (before.closedAt !== episode.closedAt || before.peak !== episode.peak) {
      changes.push({ change: 'updated', episode });
    }
  }
  return changes;
}

/** Folds the pending readings at or before `settledAt` into the snapshot (mutates the engine's own copy). */
function settle(state: EngineState, ruleSet: RuleSet): void {
  const { settledAt, settled, pending } = state;
  if (settledAt === undefined) return;
  const settledCount = <T>(items: readonly T[], time: (item: T) => number) => {
    let n = 0;
    while (n < items.length && time(items[n] as T) <= settledAt) n++;
    return n;
  };
  let last = settled.last;
  const heard = (time: number) => (last = last === undefined ? time : Math.max(last, time));

  for (const [metric, pairs] of Object.entries(pending.pairs) as [keyof Pending['pairs'], Pair[]][]) {
    const n = settledCount(pairs, ([time]) => time);
    if (n === 0) continue;
    for (const rule of ruleSet.rules.filter((r) => r.metric === metric)) {
      let ruleState = settled.rules[rule.id] ?? INITIAL_RULE_STATE;
      for (const [time, value] of pairs.slice(0, n)) ruleState = stepRule(rule, ruleState, time, value).state;
      if (ruleState !== INITIAL_RULE_STATE) settled.rules[rule.id] = ruleState;
    }
    heard((pairs[n - 1] as Pair)[0]);
    if (n === pairs.length) delete pending.pairs[metric];
    else pending.pairs[metric] = pairs.slice(n);
  }
  const n = settledCount(pending.otherTimes, (time) => time);
  if (n > 0) {
    heard(pending.otherTimes[n - 1] as number);
    pending.otherTimes = pending.otherTimes.slice(n);
  }
  if (last !== undefined) settled.last = last;
}

/** Inserts after any equal item, so in-order readings are a push. */
function insertSorted<T>(items: T[], item: T, compare: (a: T, b: T) => number): void {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(items[mid] as T, item) <= 0) low = mid + 1;
    else high = mid;
  }
  items.splice(low, 0, item);
}
