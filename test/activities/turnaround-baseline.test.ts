import { describe, expect, it } from 'vitest';
import { HOUR_MS, DAY_MS } from '../../src/domain/durations.js';
import { PRODUCT_PROFILES } from '../../src/domain/profiles.js';
import { nominalHoursToRelease, quantile, turnaroundQuantiles } from '../../src/domain/turnaround-baseline.js';

const profile = PRODUCT_PROFILES[0]!;
const manufacturingHours = Object.values(profile.manufacturingDays).reduce((a, b) => a + b, 0) * 24;

describe('the turnaround baseline', () => {
  it('interpolates quantiles between order statistics', () => {
    expect(quantile([10, 20, 30, 40, 50], 0.5)).toBe(30);
    expect(quantile([10, 20, 30, 40, 50], 0.1)).toBe(14);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('counts only what is left before release from each stage', () => {
    const qc = profile.qcDays * 24;
    expect(nominalHoursToRelease(profile, 'COLLECTED')).toBe(profile.legs.outbound.nominalHours + manufacturingHours + qc);
    expect(nominalHoursToRelease(profile, 'MANUFACTURING')).toBe(manufacturingHours + qc);
    expect(nominalHoursToRelease(profile, 'QC_TESTING')).toBe(qc);
    expect(nominalHoursToRelease(profile, 'RETURN_TRANSIT')).toBe(0);
  });

  it('falls back to the profile, scaled, with fewer than five histories', () => {
    const q = turnaroundQuantiles({ profile, stage: 'QC_TESTING', timeScale: 24, samplesMs: [1, 2, 3, 4] });
    const nominal = (profile.qcDays * DAY_MS) / 24;
    expect(q).toEqual({ method: 'profile-nominal', p10Ms: nominal * 0.85, p50Ms: nominal, p90Ms: nominal * 1.3, sampleSize: 4 });
  });

  it('uses the empirical quantiles from five histories on', () => {
    const samples = [5, 1, 4, 2, 3].map((h) => h * HOUR_MS);
    const q = turnaroundQuantiles({ profile, stage: 'MANUFACTURING', timeScale: 1, samplesMs: samples });
    expect(q).toMatchObject({ method: 'empirical-baseline', p50Ms: 3 * HOUR_MS, sampleSize: 5 });
    expect(q.p10Ms).toBeCloseTo(1.4 * HOUR_MS);
    expect(q.p90Ms).toBeCloseTo(4.6 * HOUR_MS);
  });
});
