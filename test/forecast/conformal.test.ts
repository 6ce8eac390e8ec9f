import { describe, expect, it } from 'vitest';
import { applyCalibration, calibrate, coverageReport, cqrCorrection, cutsByShare, timeSplit, type CalibrationCase } from '../../src/forecast/conformal/index.js';

/** A seeded uniform generator (mulberry32), so the synthetic sets are the same on every run. */
function uniform(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const Z90 = 1.2816;
/**
 * Exchangeable cases: y ~ N(μ, σ) with σ varying by case, and a model whose P10/P90 are 60 % as far
 * from the median as they should be, so it undercovers.
 */
function synthetic(n: number, seed: number, group = () => 'all'): CalibrationCase[] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => {
    const mu = 5 + 10 * u();
    const sigma = 0.5 + 2 * u();
    const y = mu + sigma * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    return { p10: mu - 0.6 * Z90 * sigma, p50: mu, p90: mu + 0.6 * Z90 * sigma, y, group: group() };
  });
}

const coverage = (cases: readonly { y: number; p10: number; p90: number }[]) => cases.filter((c) => c.y >= c.p10 && c.y <= c.p90).length / cases.length;

describe('conformalized quantile regression', () => {
  it('takes the ⌈(1 − α)(n + 1)⌉-th smallest conformity score', () => {
    // Scores max(lo − y, y − hi): 1..9 for y = 11..19 against [0, 10].
    const cases = Array.from({ length: 9 }, (_, i) => ({ p10: 0, p50: 5, p90: 10, y: 11 + i }));
    expect(cqrCorrection(cases, 0.2)).toBe(8); // ⌈0.8 × 10⌉ = 8
    expect(cqrCorrection(cases.slice(0, 3), 0.2)).toBe(Infinity); // ⌈0.8 × 4⌉ = 4 > 3 cases
    expect(cqrCorrection([{ p10: 0, p50: 5, p90: 10, y: 4 }, { p10: 0, p50: 5, p90: 10, y: 6 }, ...cases.slice(0, 3)], 0.5)).toBe(1);
  });

  it('brings an undercovering [P10, P90] to about 80 % on new exchangeable cases', () => {
    const calibration = calibrate(synthetic(2_000, 1));
    const test = synthetic(20_000, 2);
    expect(coverage(test)).toBeLessThan(0.65);
    const calibrated = test.map((c) => ({ ...applyCalibration(calibration, c), y: c.y }));
    expect(coverage(calibrated)).toBeGreaterThanOrEqual(0.78);
    expect(coverage(calibrated)).toBeLessThanOrEqual(0.82);
    expect(calibration.global).toBeGreaterThan(0);
  });

  it('corrects each product × stage with its own cases, and a small group with the global correction', () => {
    const wide = synthetic(1_000, 3, () => 'cd19 × MANUFACTURING');
    const narrow = synthetic(1_000, 4, () => 'bcma × QC_TESTING').map((c) => ({ ...c, p10: c.p50 - 3 * (c.p50 - c.p10), p90: c.p50 + 3 * (c.p90 - c.p50) }));
    const few = synthetic(20, 5, () => 'bcma × COLLECTED');
    const calibration = calibrate([...wide, ...narrow, ...few], { minGroupSize: 100 });

    expect(calibration.groups['cd19 × MANUFACTURING']!.correction).toBeGreaterThan(0);
    expect(calibration.groups['bcma × QC_TESTING']!.correction).toBeLessThan(0);
    expect(calibration.groups['bcma × COLLECTED']).toBeUndefined();
    const p = { p10: 1, p50: 2, p90: 3 };
    expect(applyCalibration(calibration, p, 'bcma × COLLECTED')).toEqual(applyCalibration(calibration, p));
    expect(applyCalibration(calibration, p).p90).toBeCloseTo(3 + calibration.global, 12);

    const testWide = synthetic(10_000, 6, () => 'cd19 × MANUFACTURING');
    const testNarrow = synthetic(10_000, 7, () => 'bcma × QC_TESTING').map((c) => ({ ...c, p10: c.p50 - 3 * (c.p50 - c.p10), p90: c.p50 + 3 * (c.p90 - c.p50) }));
    for (const set of [testWide, testNarrow]) {
      const c = coverage(set.map((x) => ({ ...applyCalibration(calibration, x, x.group), y: x.y })));
      expect(c).toBeGreaterThan(0.77);
      expect(c).toBeLessThan(0.83);
    }
  });

  it('never returns crossing quantiles, whatever the model or the correction', () => {
    const calibration = { alpha: 0.2, global: -5, groups: {} };
    const out = applyCalibration(calibration, { p10: 4, p50: 3, p90: 6 });
    expect(out.p10).toBeLessThanOrEqual(out.p50);
    expect(out.p50).toBeLessThanOrEqual(out.p90);
    // Sorted to [3, 4, 6], then narrowed by 5 past itself: [8, 4, 1], sorted again.
    expect(out).toEqual({ p10: 1, p50: 4, p90: 8 });
  });
});

describe('time-ordered split', () => {
  const day = (d: number) => new Date(Date.UTC(2027, 0, 1 + d)).toISOString();
  const cases = Array.from({ length: 300 }, (_, i) => ({ id: i, at: day(i / 3), outcomeAt: i % 10 === 0 ? null : day(i / 3 + (i % 7) * 2) }));

  it('calibrates and trains on no case predicted, or resolved, after its window', () => {
    const cuts = cutsByShare(cases, { train: 0.6, calibration: 0.2 });
    const { train, calibration, test } = timeSplit(cases, cuts, (c) => c.outcomeAt);
    expect(train.length).toBeGreaterThan(100);
    expect(calibration.length).toBeGreaterThan(30);
    expect(test.length).toBeGreaterThan(30);
    for (const c of train) expect(c.at < cuts.calibrationFrom && c.outcomeAt! <= cuts.calibrationFrom).toBe(true);
    for (const c of calibration) expect(c.at >= cuts.calibrationFrom && c.at < cuts.testFrom && c.outcomeAt! <= cuts.testFrom).toBe(true);
    for (const c of test) expect(c.at >= cuts.testFrom && c.outcomeAt !== null).toBe(true);
    // What the windows refused is exactly what was unresolved at their end.
    const unresolvedAtCut = cases.filter((c) => c.at < cuts.calibrationFrom && c.outcomeAt !== null && c.outcomeAt > cuts.calibrationFrom);
    expect(unresolvedAtCut.length).toBeGreaterThan(0);
    expect(train.length).toBe(cases.filter((c) => c.at < cuts.calibrationFrom && c.outcomeAt !== null).length - unresolvedAtCut.length);
  });
});

describe('coverage report', () => {
  it('reports count, coverage, width, pinball and P50 MAE overall and per cell', () => {
    const report = coverageReport([
      { group: 'a', p10: 0, p50: 1, p90: 2, y: 1 },
      { group: 'a', p10: 0, p50: 1, p90: 2, y: 4 },
      { group: 'b', p10: 1, p50: 2, p90: 5, y: 0 },
    ]);
    expect(report.overall.count).toBe(3);
    expect(report.overall.coverage).toBeCloseTo(1 / 3, 12);
    expect(report.byGroup.a).toMatchObject({ count: 2, coverage: 0.5, meanWidth: 2, p50Mae: 1.5 });
    // P90 = 2: y = 1 is 1 below it (weight 0.1), y = 4 is 2 above it (weight 0.9).
    expect(report.byGroup.a!.pinball.p90).toBeCloseTo((0.1 * 1 + 0.9 * 2) / 2, 12);
    expect(report.byGroup.b!.pinball.p10).toBeCloseTo(0.9 * 1, 12);
    expect(Object.keys(report.byGroup)).toEqual(['a', 'b']);
  });
});
