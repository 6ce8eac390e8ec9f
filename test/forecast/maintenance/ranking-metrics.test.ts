import { describe, expect, it } from 'vitest';
import { averagePrecision, bestF1Threshold, precisionRecallAt } from '../../../src/forecast/maintenance/ranking-metrics.js';

const scored = (pairs: [number, boolean][]) => pairs.map(([score, positive]) => ({ score, positive }));

describe('average precision (PR-AUC)', () => {
  it('is 1 for a perfect ranking and the mean of precision at each positive otherwise', () => {
    expect(averagePrecision(scored([[0.9, true], [0.8, true], [0.1, false]]))).toBe(1);
    // Ranked: + − + −: precision 1 at the first positive, 2/3 at the second → (1 + 2/3) / 2.
    expect(averagePrecision(scored([[0.9, true], [0.8, false], [0.7, true], [0.1, false]]))).toBeCloseTo(5 / 6, 12);
  });

  it('counts tied scores as one threshold, so their order does not matter', () => {
    // Ranked: 0.9 (+), then a tie at 0.5 (+, −, −), then 0.1 (+).
    // Thresholds: 0.9 → recall 1/3, precision 1; 0.5 → recall 2/3, precision 2/4; 0.1 → recall 1, precision 3/5.
    const expected = (1 / 3) * 1 + (1 / 3) * (2 / 4) + (1 / 3) * (3 / 5);
    expect(averagePrecision(scored([[0.9, true], [0.5, true], [0.5, false], [0.5, false], [0.1, true]]))).toBeCloseTo(expected, 12);
    expect(averagePrecision(scored([[0.5, false], [0.1, true], [0.5, false], [0.9, true], [0.5, true]]))).toBeCloseTo(expected, 12);
  });

  it('equals the base rate when every score ties, and is 0 without positives', () => {
    expect(averagePrecision(scored([[1, true], [1, false], [1, false], [1, false]]))).toBe(0.25);
    expect(averagePrecision(scored([[1, false]]))).toBe(0);
  });
});

describe('precision and recall at a threshold', () => {
  it('flags scores at or above the threshold', () => {
    expect(precisionRecallAt(scored([[0.9, true], [0.8, false], [0.7, true], [0.1, false]]), 0.7)).toEqual({ precision: 2 / 3, recall: 1, flagged: 3 });
    expect(precisionRecallAt(scored([[0.9, true]]), 1)).toEqual({ precision: 0, recall: 0, flagged: 0 });
  });

  it('picks the threshold with the best F1', () => {
    // At 0.7: P 2/3, R 1 → F1 0.8; at 0.9: P 1, R 1/2 → 0.667; at 0.1: P 1/2, R 1 → 0.667.
    expect(bestF1Threshold(scored([[0.9, true], [0.8, false], [0.7, true], [0.1, false]]))).toEqual({ threshold: 0.7, f1: 0.8 });
  });
});
