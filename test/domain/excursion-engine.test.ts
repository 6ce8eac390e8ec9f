import { describe, expect, it } from 'vitest';
import {
  applyReadings,
  deriveEpisodes,
  episodeId,
  gapDueAt,
  newEngineState,
  openEpisodes,
  shipmentRules,
  sweepGaps,
  type EngineReading,
  type EngineState,
  type Episode,
  type EpisodeChange,
  type Metric,
  type RuleSet,
} from '../../src/domain/excursions/index.js';
import { productProfile } from '../../src/domain/profiles.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => T0 + minutes * MIN;
const BINDING = '7d1f0c2e-4b8a-4c55-9a7e-0f5d2c9b1a10';
const chilled = shipmentRules(productProfile('autologous-cd19-fresh'), 'outbound');
const dryShipper = shipmentRules(productProfile('autologous-cd19-fresh'), 'return');

/** Readings of one metric at whole minutes: `[minute, value]`. */
const series = (metric: Metric, points: [number, number][]): EngineReading[] => points.map(([m, value]) => ({ metric, value, eventTime: at(m) }));
const temps = (points: [number, number][]) => series('temperature_c', points);
const excursions = (episodes: Episode[]) => episodes.filter((e) => e.kind === 'excursion').map(({ openedAt, closedAt, peak }) => ({ openedAt, closedAt, peak }));
const summary = (changes: EpisodeChange[]) => changes.map(({ change, episode }) => `${change} ${episode.kind} ${(episode.openedAt - T0) / MIN}`);

describe('episodes from readings', () => {
  it('does not flap at the limit: back in range only once inside by the hysteresis', () => {
    // 7.8 and 7.7 are within 2–8 °C but not by 0.5 °C, so the spell goes on until 7.4.
    const readings = temps([[0, 5], [1, 8.2], [2, 7.8], [3, 8.3], [4, 7.7], [5, 8.1], [7, 7.9], [9, 8.1], [11, 7.6], [13, 7.4], [14, 8]]);
    expect(excursions(deriveEpisodes(BINDING, readings, chilled))).toEqual([{ openedAt: at(1), closedAt: at(13), peak: 8.3 }]);
    // Exactly at the limit is in range.
    expect(deriveEpisodes(BINDING, temps([[0, 8], [10, 8], [20, 8], [21, 2]]), chilled)).toEqual([]);
  });

  it('needs a spell to last the minimum duration, then reports it from its first reading out', () => {
    const short = temps([[0, 9], [4, 9], [9, 9], [10, 5]]);
    expect(deriveEpisodes(BINDING, short, chilled)).toEqual([]);
    const long = temps([[0, 9], [5, 9.5], [10, 9], [12, 5]]);
    expect(excursions(deriveEpisodes(BINDING, long, chilled))).toEqual([{ openedAt: at(0), closedAt: at(12), peak: 9.5 }]);
  });

  it('opens an excursion from short spells once their total reaches the budget', () => {
    // Five 5-minute spells use 25 of the 30 minutes; the sixth spell crosses 30 after 5 minutes of its own.
    const spells = [0, 10, 20, 30, 40].flatMap((m) => temps([[m, 9], [m + 4, 9], [m + 5, 5]]));
    const sixth = temps([[50, 9], [53, 10], [55, 9], [56, 5]]);
    expect(excursions(deriveEpisodes(BINDING, spells, chilled))).toEqual([]);
    expect(excursions(deriveEpisodes(BINDING, [...spells, ...sixth], chilled))).toEqual([{ openedAt: at(50), closedAt: at(56), peak: 10 }]);
    // With the budget spent, the next reading out is an excursion at once.
    expect(excursions(deriveEpisodes(BINDING, [...spells, ...sixth, ...temps([[60, 8.1], [61, 5]])], chilled)).at(-1)).toEqual({
      openedAt: at(60),
      closedAt: at(61),
      peak: 8.1,
    });
  });

  it('reports the value furthest beyond the limit as the peak, below as well as above', () => {
    const cold = temps([[0, 1.8], [3, 0.9], [6, 1.2], [11, 1.9], [12, 2.2], [13, 2.6]]);
    const [episode] = deriveEpisodes(BINDING, cold, chilled);
    expect(episode).toMatchObject({ kind: 'excursion', metric: 'temperature_c', ruleId: 'temperature_c:2..8', peak: 0.9, openedAt: at(0), closedAt: at(13) });
    expect((episode?.closedAt ?? 0) - (episode?.openedAt ?? 0)).toBe(13 * MIN);
  });

  it('leaves an excursion open while the spell goes on', () => {
    const [episode] = deriveEpisodes(BINDING, temps([[0, 12], [10, 11]]), chilled);
    expect(episode).toMatchObject({ openedAt: at(0), peak: 12 });
    expect(episode?.closedAt).toBeUndefined();
  });

  it('watches tilt on a dry shipper only', () => {
    const tilted = [...series('tilt_deg', [[0, 10], [1, 60], [2, 55], [3, 20]]), ...temps([[0, 5], [3, 5]])];
    expect(deriveEpisodes(BINDING, tilted, chilled)).toEqual([]);
    const cryo = [...series('tilt_deg', [[0, 10], [1, 60], [2, 55], [3, 20]]), ...temps([[0, -180], [3, -180]])];
    expect(deriveEpisodes(BINDING, cryo, dryShipper)).toMatchObject([{ kind: 'excursion', ruleId: 'tilt_deg:..45', openedAt: at(1), closedAt: at(3), peak: 60 }]);
  });

  it('reports silences as telemetry gaps, never as excursions, and an open gap only given now', () => {
    const readings = [...temps([[0, 5], [1, 5], [20, 5]]), ...series('shock_g', [[30, 0.1]])];
    expect(deriveEpisodes(BINDING, readings, chilled)).toMatchObject([{ kind: 'telemetry_gap', openedAt: at(16), closedAt: at(20) }]);
    const withNow = deriveEpisodes(BINDING, readings, chilled, at(46));
    expect(withNow.map(({ kind, openedAt, closedAt }) => ({ kind, openedAt, closedAt }))).toEqual([
      { kind: 'telemetry_gap', openedAt: at(16), closedAt: at(20) },
      { kind: 'telemetry_gap', openedAt: at(45), closedAt: undefined },
    ]);
    expect(deriveEpisodes(BINDING, readings, chilled, at(45))).toHaveLength(1);
  });

  it('gives an episode the same UUID every time it is derived, and a different one for a different binding', () => {
    const id = episodeId(BINDING, 'excursion', 'temperature_c:2..8', at(0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveEpisodes(BINDING, temps([[0, 12], [10, 11]]), chilled)[0]?.id).toBe(id);
    expect(episodeId('other', 'excursion', 'temperature_c:2..8', at(0))).not.toBe(id);
  });
});

describe('incremental engine', () => {
  const apply = (state: EngineState, readings: EngineReading[], rules: RuleSet = chilled) => applyReadings(state, readings, rules, BINDING);

  it('opens an excursion when its rule is met and closes it when the spell ends', () => {
    let state = newEngineState();
    const steps = [temps([[0, 5], [1, 9]]), temps([[6, 9.5]]), temps([[11, 9]]), temps([[12, 5]])].map((readings) => {
      const result = apply(state, readings);
      state = result.state;
      return summary(result.changes);
    });
    expect(steps).toEqual([[], [], ['opened excursion 1'], ['closed excursion 1']]);
    expect(openEpisodes(state)).toEqual([]);
  });

  it('emits nothing when called again without new readings, and leaves its input state alone', () => {
    const first = apply(newEngineState(), temps([[0, 9], [11, 9]]));
    const before = structuredClone(first.state);
    const again = apply(first.state, []);
    expect(again.changes).toEqual([]);
    expect(again.tooLate).toBe(0);
    expect(again.state).toEqual(first.state);
    expect(first.state).toEqual(before);
    expect(apply(first.state, temps([[12, 10]])).changes.map((c) => c.change)).toEqual(['updated']);
    expect(first.state).toEqual(before);
  });

  it('counts readings at or before the settled instant as too late and does not evaluate them', () => {
    const { state } = apply(newEngineState(), temps([[0, 5], [10, 5]]));
    // Settled up to minute 8 (two minutes of allowed lateness behind minute 10).
    const late = apply(state, [...temps([[7, 20], [8, 20]]), { metric: 'temperature_c', value: 5, eventTime: at(8) + 1 }]);
    expect(late.tooLate).toBe(2);
    expect(late.changes).toEqual([]);
    expect(openEpisodes(late.state)).toEqual([]);
  });

  it('withdraws an excursion a late reading shows never met its rule', () => {
    const { state, changes } = apply(newEngineState(), temps([[0, 8.5], [3, 8.5], [6, 8.5], [10, 8.5]]));
    expect(summary(changes)).toEqual(['opened excursion 0']);
    const late = apply(state, temps([[9.5, 5]]));
    expect(summary(late.changes)).toEqual(['withdrawn excursion 0']);
    expect(openEpisodes(late.state)).toEqual([]);
  });

  it('updates the peak and the closing time when late readings move them', () => {
    const closed = apply(newEngineState(), temps([[0, 9], [5, 9], [10, 9], [14, 9], [15, 5]]));
    expect(summary(closed.changes)).toEqual(['opened excursion 0', 'closed excursion 0']);
    const late = apply(closed.state, [...temps([[13.5, 11]]), ...temps([[14.5, 5]])]);
    expect(late.changes).toMatchObject([{ change: 'updated', episode: { openedAt: at(0), closedAt: at(14.5), peak: 11 } }]);
  });

  it('opens a telemetry gap on a sweep and closes it when the device speaks again, without an excursion', () => {
    let { state } = apply(newEngineState(), temps([[0, 5], [5, 5], [10, 5]]));
    expect(gapDueAt(state, chilled)).toBe(at(25));
    expect(sweepGaps(state, at(25), chilled, BINDING).changes).toEqual([]);
    const swept = sweepGaps(state, at(26), chilled, BINDING);
    expect(summary(swept.changes)).toEqual(['opened telemetry_gap 25']);
    expect(gapDueAt(swept.state, chilled)).toBeUndefined();
    expect(sweepGaps(swept.state, at(30), chilled, BINDING).changes).toEqual([]);
    state = swept.state;
    const resumed = apply(state, temps([[40, 5]]));
    expect(resumed.changes).toMatchObject([{ change: 'closed', episode: { kind: 'telemetry_gap', openedAt: at(25), closedAt: at(40) } }]);
    expect(resumed.changes[0]?.episode.id).toBe(swept.changes[0]?.episode.id);
    expect(openEpisodes(resumed.state)).toEqual([]);
    expect(gapDueAt(resumed.state, chilled)).toBe(at(55));
  });

  it('withdraws a trailing gap when a delayed reading shows the device was not silent', () => {
    const { state } = apply(newEngineState(), temps([[0, 5], [10, 5]]));
    const swept = sweepGaps(state, at(30), chilled, BINDING);
    expect(summary(swept.changes)).toEqual(['opened telemetry_gap 25']);
    const delayed = apply(swept.state, temps([[12, 5]]));
    expect(summary(delayed.changes)).toEqual(['withdrawn telemetry_gap 25']);
    // Whether the device has been silent since minute 12 is for the next sweep to say, with its own clock.
    expect(gapDueAt(delayed.state, chilled)).toBe(at(27));
    expect(summary(sweepGaps(delayed.state, at(31), chilled, BINDING).changes)).toEqual(['opened telemetry_gap 27']);
  });

  it('keeps the state small: about 120 pending readings at one a second', () => {
    let state = newEngineState();
    for (let s = 0; s < 600; s += 10) {
      const batch = Array.from({ length: 10 }, (_, i) => ({ metric: 'temperature_c' as const, value: 5 + ((s + i) % 7) / 10, eventTime: T0 + (s + i) * 1000 }));
      state = apply(state, batch).state;
    }
    expect(state.pending.pairs.temperature_c).toHaveLength(120);
    expect(JSON.stringify(state).length).toBeLessThan(3_500);
  });
});
