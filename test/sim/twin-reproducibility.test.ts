import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/twin/simulate.js';
import { baselineScenario } from './twin-fixtures.js';

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('the digital twin is reproducible by seed', () => {
  const run = (seed: number) => simulate(baselineScenario(), { seed, years: 0.25 });

  it('gives the same records, to the byte, for the same seed, and other records for another', () => {
    const first = run(11);
    expect(digest(run(11))).toBe(digest(first));
    expect(digest(run(12))).not.toBe(digest(first));
  });

  it('produces equipment, maintenance and daily telemetry summaries with the records’ shapes', () => {
    const result = run(11);
    expect(result.equipment.length).toBe(3 * (2 + 2 + 6) + 7 + 2 + 7 + 2 + 9 + 2);
    expect(result.maintenance.some((m) => m.kind === 'service' && m.downtimeHours! > 0)).toBe(true);
    const units = new Set(result.equipment.map((e) => e.id));
    expect(result.maintenance.every((m) => units.has(m.equipmentId))).toBe(true);
    const day = result.telemetry[0]!;
    expect(day).toEqual({ equipmentId: expect.any(String), day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), metric: expect.any(String), n: expect.any(Number), mean: expect.any(Number), min: expect.any(Number), max: expect.any(Number), stddev: expect.any(Number), minutesOutOfRange: expect.any(Number) });
    expect(result.telemetry.every((t) => t.min <= t.mean && t.mean <= t.max && t.n > 0)).toBe(true);
    expect(simulate(baselineScenario(), { seed: 11, years: 0.25, telemetry: false }).telemetry).toEqual([]);
  });

  it('shows a failing unit in its telemetry before the failure: minutes out of range rise', () => {
    const result = simulate(baselineScenario(), { seed: 5, years: 2 });
    const failure = result.maintenance.find((m) => m.kind === 'failure' && result.equipment.find((e) => e.id === m.equipmentId)?.kind === 'freezer');
    expect(failure).toBeDefined();
    const days = result.telemetry.filter((t) => t.equipmentId === failure!.equipmentId);
    const dayOf = failure!.at.slice(0, 10);
    const before = days.filter((t) => t.day < dayOf);
    const lastDays = before.slice(-2).reduce((a, t) => a + t.minutesOutOfRange, 0);
    const monthBefore = before.slice(-40, -30).reduce((a, t) => a + t.minutesOutOfRange, 0);
    expect(lastDays).toBeGreaterThan(monthBefore);
    // Two simulated years: about 5 s alone, more on a busy machine.
  }, 30_000);
});
