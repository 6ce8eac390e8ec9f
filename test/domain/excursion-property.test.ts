import { describe, expect, it } from 'vitest';
import {
  applyReadings,
  deriveEpisodes,
  newEngineState,
  openEpisodes,
  sweepGaps,
  type EngineReading,
  type EngineState,
  type Episode,
  type EpisodeChange,
  type RuleSet,
} from '../../src/domain/excursions/index.js';
import { prng } from './prng.js';

const BINDING = '7d1f0c2e-4b8a-4c55-9a7e-0f5d2c9b1a10';

describe('incremental engine against the batch derivation (property)', () => {
  const rules: RuleSet = {
    rules: [
      { id: 'temperature_c:2..8', metric: 'temperature_c', min: 2, max: 8, hysteresis: 0.5, minDurationMs: 6, budgetMs: 20 },
      { id: 'tilt_deg:..45', metric: 'tilt_deg', max: 45, hysteresis: 5, minDurationMs: 0 },
    ],
    gapAfterMs: 15,
    allowedLatenessMs: 8,
  };

  function randomReadings(random: () => number, count: number): EngineReading[] {
    const readings: EngineReading[] = [];
    let time = 1_000;
    let temperature = 5;
    for (let i = 0; i < count; i++) {
      time += random() < 0.04 ? 16 + Math.floor(random() * 20) : Math.floor(random() * 4);
      const pick = random();
      if (pick < 0.6) {
        temperature += (random() - 0.5) * 2 + (random() < 0.05 ? (random() - 0.5) * 12 : 0);
        temperature = Math.min(13, Math.max(-3, temperature));
        readings.push({ metric: 'temperature_c', value: Math.round(temperature * 10) / 10, eventTime: time });
      } else if (pick < 0.85) {
        readings.push({ metric: 'tilt_deg', value: random() < 0.15 ? 46 + Math.floor(random() * 10) : Math.floor(random() * 50), eventTime: time });
      } else {
        readings.push({ metric: 'shock_g', value: random(), eventTime: time });
      }
    }
    return readings;
  }

  /** Delivers readings in chunks through a JSON round trip, checking every change is a valid transition. */
  function deliver(chunks: EngineReading[][], sweeps: Map<number, number> = new Map(), finalNow?: number) {
    let state = newEngineState();
    const reported = new Map<string, Episode>();
    let tooLate = 0;
    const record = (changes: EpisodeChange[]) => {
      for (const { change, episode } of changes) {
        const known = reported.get(episode.id);
        if (change === 'opened') expect(known, `${change} ${episode.id}`).toBeUndefined();
        else expect(known, `${change} ${episode.id}`).toBeDefined();
        if (change === 'closed') expect(known?.closedAt).toBeUndefined();
        if (change === 'withdrawn') reported.delete(episode.id);
        else reported.set(episode.id, episode);
      }
    };
    chunks.forEach((chunk, i) => {
      const result = applyReadings(JSON.parse(JSON.stringify(state)) as EngineState, chunk, rules, BINDING);
      tooLate += result.tooLate;
      record(result.changes);
      state = result.state;
      const now = sweeps.get(i);
      if (now !== undefined) {
        const swept = sweepGaps(state, now, rules, BINDING);
        record(swept.changes);
        state = swept.state;
      }
    });
    if (finalNow !== undefined) {
      const swept = sweepGaps(state, finalNow, rules, BINDING);
      record(swept.changes);
      state = swept.state;
    }
    expect(openEpisodes(state)).toEqual([...reported.values()].filter((e) => e.closedAt === undefined).sort((a, b) => a.openedAt - b.openedAt || a.kind.localeCompare(b.kind)));
    return { episodes: [...reported.values()].sort((a, b) => a.openedAt - b.openedAt || a.kind.localeCompare(b.kind) || (a.ruleId ?? '').localeCompare(b.ruleId ?? '')), tooLate, state };
  }

  function randomChunks<T>(items: T[], random: () => number): T[][] {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; ) {
      const size = 1 + Math.floor(random() * 10);
      chunks.push(items.slice(i, i + size));
      i += size;
    }
    return chunks;
  }

  it('reports the same episodes in order, in chunks, or shuffled within the lateness window, as deriveEpisodes', () => {
    let seen = { excursions: 0, gaps: 0, open: 0 };
    for (let seed = 1; seed <= 60; seed++) {
      const random = prng(seed);
      const readings = randomReadings(random, 300);
      const finalNow = (readings.at(-1)?.eventTime ?? 0) + 100;
      const expected = deriveEpisodes(BINDING, readings, rules, finalNow);

      // A reading delivered after another is never more than the allowed lateness behind it.
      const jittered = readings
        .map((reading) => ({ reading, key: reading.eventTime + random() * rules.allowedLatenessMs * 0.999 }))
        .sort((a, b) => a.key - b.key)
        .map(({ reading }) => reading);
      const chunks = randomChunks(jittered, random);
      const sweeps = new Map<number, number>();
      let newest = 0;
      chunks.forEach((chunk, i) => {
        newest = Math.max(newest, ...chunk.map((r) => r.eventTime));
        if (random() < 0.2) sweeps.set(i, newest + Math.floor(random() * 30));
      });

      const inOrder = deliver([readings], new Map(), finalNow);
      const inChunks = deliver(randomChunks(readings, random), new Map(), finalNow);
      const shuffled = deliver(chunks, sweeps, finalNow);
      expect(inOrder.episodes, `seed ${seed}`).toEqual(expected);
      expect(inChunks.episodes, `seed ${seed}`).toEqual(expected);
      expect(shuffled.episodes, `seed ${seed}`).toEqual(expected);
      expect(shuffled.tooLate).toBe(0);
      seen = {
        excursions: seen.excursions + expected.filter((e) => e.kind === 'excursion').length,
        gaps: seen.gaps + expected.filter((e) => e.kind === 'telemetry_gap').length,
        open: seen.open + expected.filter((e) => e.closedAt === undefined).length,
      };
    }
    // The generator must exercise every kind of episode, or the comparison proves little.
    expect(seen.excursions).toBeGreaterThan(100);
    expect(seen.gaps).toBeGreaterThan(100);
    expect(seen.open).toBeGreaterThan(10);
  });

  it('drops exactly the readings that arrive too late and derives the rest', () => {
    for (let seed = 100; seed < 120; seed++) {
      const random = prng(seed);
      const readings = randomReadings(random, 200);
      const delivered = readings
        .map((reading) => ({ reading, key: reading.eventTime + random() * rules.allowedLatenessMs * 3 }))
        .sort((a, b) => a.key - b.key)
        .map(({ reading }) => reading);
      // The engine's rule: a reading counts if it is newer than the newest accepted one less the lateness.
      let newest = -Infinity;
      const accepted = delivered.filter((reading) => {
        if (reading.eventTime <= newest - rules.allowedLatenessMs) return false;
        newest = Math.max(newest, reading.eventTime);
        return true;
      });
      const result = deliver(randomChunks(delivered, random));
      expect(result.tooLate, `seed ${seed}`).toBe(delivered.length - accepted.length);
      expect(result.episodes, `seed ${seed}`).toEqual(deriveEpisodes(BINDING, accepted, rules));
    }
  });
});
