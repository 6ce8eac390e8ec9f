import { createHash } from 'node:crypto';
import { INITIAL_RULE_STATE, stepRule, type EndedSpell, type RuleState, type Spell } from './spells.js';
import type { EngineReading, Episode, Metric, RuleSet, ThresholdRule } from './types.js';

/**
 * Episodes as a function of the readings: the ground truth the incremental engine must agree with.
 * The engine derives from a settled snapshot over its pending readings; `deriveEpisodes` derives from
 * nothing over every reading.
 */
export type Pair = [time: number, value: number];

/** Every rule's machine after the readings up to some instant, and the newest of those readings' times. */
export interface Snapshot {
  rules: Record<string, RuleState>;
  last?: number;
}

/** Readings after a snapshot: per watched metric `[time, value]` in (time, value) order, and the times of the rest. */
export interface Pending {
  pairs: Partial<Record<Metric, Pair[]>>;
  otherTimes: number[];
}

/** A UUID (version 8, RFC 4122 variant) of what the episode is, so re-deriving it gives the same id. */
export function episodeId(bindingId: string, kind: Episode['kind'], ruleId: string | undefined, openedAt: number): string {
  const hex = createHash('sha256').update(`${bindingId}|${kind}|${ruleId ?? ''}|${openedAt}`).digest('hex').split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function comparePairs(a: Pair, b: Pair): number {
  return a[0] - b[0] || a[1] - b[1];
}

export function compareEpisodes(a: Episode, b: Episode): number {
  return a.openedAt - b.openedAt || a.kind.localeCompare(b.kind) || (a.ruleId ?? '').localeCompare(b.ruleId ?? '');
}

function excursion(bindingId: string, rule: ThresholdRule, spell: Spell | EndedSpell): Episode {
  const episode: Episode = { id: episodeId(bindingId, 'excursion', rule.id, spell.start), kind: 'excursion', ruleId: rule.id, metric: rule.metric, openedAt: spell.start };
  if ('end' in spell) episode.closedAt = spell.end;
  episode.peak = spell.peak;
  return episode;
}

/** One rule's machine over its metric's readings: where it ends up and the excursions it saw. */
export function runRule(bindingId: string, rule: ThresholdRule, from: RuleState, pairs: readonly Pair[]): { state: RuleState; episodes: Episode[] } {
  const episodes: Episode[] = [];
  let state = from;
  for (const [time, value] of pairs) {
    const step = stepRule(rule, state, time, value);
    state = step.state;
    if (step.ended?.qualified) episodes.push(excursion(bindingId, rule, step.ended));
  }
  if (state.spell?.qualified) episodes.push(excursion(bindingId, rule, state.spell));
  return { state, episodes };
}

/** Silences longer than `gapAfterMs` between consecutive readings (of any metric), and after the last one at `now`. */
export function gapEpisodes(bindingId: string, times: readonly number[], gapAfterMs: number, now?: number): Episode[] {
  const gap = (openedAt: number): Episode => ({ id: episodeId(bindingId, 'telemetry_gap', undefined, openedAt), kind: 'telemetry_gap', openedAt });
  const episodes: Episode[] = [];
  for (let i = 1; i < times.length; i++) {
    const [before, after] = [times[i - 1] as number, times[i] as number];
    if (after - before > gapAfterMs) episodes.push({ ...gap(before + gapAfterMs), closedAt: after });
  }
  const last = times.at(-1);
  if (now !== undefined && last !== undefined && now - last > gapAfterMs) episodes.push(gap(last + gapAfterMs));
  return episodes;
}

/** The episodes that the readings after a snapshot open, close or continue. */
export function deriveFrom(bindingId: string, snapshot: Snapshot, pending: Pending, ruleSet: RuleSet, now?: number): Episode[] {
  const episodes = ruleSet.rules.flatMap(
    (rule) => runRule(bindingId, rule, snapshot.rules[rule.id] ?? INITIAL_RULE_STATE, pending.pairs[rule.metric] ?? []).episodes,
  );
  episodes.push(...gapEpisodes(bindingId, deviceTimes(snapshot, pending), ruleSet.gapAfterMs, now));
  return episodes.sort(compareEpisodes);
}

/** The times at which the device was heard from: the snapshot's last, then every pending reading's, in order. */
export function deviceTimes(snapshot: Snapshot, pending: Pending): number[] {
  const times = [...pending.otherTimes];
  for (const pairs of Object.values(pending.pairs)) for (const [time] of pairs) times.push(time);
  times.sort((a, b) => a - b);
  return snapshot.last === undefined ? times : [snapshot.last, ...times];
}

/**
 * Splits readings into the pending form: watched metrics' pairs and other metrics' times, each sorted.
 * `+ 0` turns −0 into 0, as a JSON round trip of the engine's state would.
 */
export function toPending(readings: readonly EngineReading[], ruleSet: RuleSet): Pending {
  const watched = new Set(ruleSet.rules.map((rule) => rule.metric));
  const pending: Pending = { pairs: {}, otherTimes: [] };
  for (const { metric, value, eventTime } of readings) {
    if (watched.has(metric)) (pending.pairs[metric] ??= []).push([eventTime, value + 0]);
    else pending.otherTimes.push(eventTime);
  }
  for (const pairs of Object.values(pending.pairs)) pairs.sort(comparePairs);
  pending.otherTimes.sort((a, b) => a - b);
  return pending;
}

/**
 * Every excursion and telemetry gap of a binding's readings, in order of opening. With `now`, a
 * silence since the last reading longer than the rule set's gap is an open gap.
 */
export function deriveEpisodes(bindingId: string, readings: readonly EngineReading[], ruleSet: RuleSet, now?: number): Episode[] {
  return deriveFrom(bindingId, { rules: {} }, toPending(readings, ruleSet), ruleSet, now);
}
