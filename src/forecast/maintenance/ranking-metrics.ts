// How well a score ranks the unit-days that end in a failure: the measures the "Measure" names.

export interface Scored {
  score: number;
  positive: boolean;
}

/**
 * Average precision (the area under the precision–recall curve, step-wise, no interpolation):
 * Σ (recallₖ − recallₖ₋₁) · precisionₖ over the distinct scores from highest to lowest. Tied
 * scores enter together, as one threshold, so the order of ties cannot change the figure.
 * 0 when there are no positives.
 */
export function averagePrecision(scored: readonly Scored[]): number {
  const positives = scored.filter((s) => s.positive).length;
  if (positives === 0) return 0;
  const sorted = [...scored].sort((a, b) => b.score - a.score);
  let ap = 0;
  let tp = 0;
  let seen = 0;
  for (let i = 0; i < sorted.length; ) {
    const score = sorted[i]!.score;
    let newTp = 0;
    while (i < sorted.length && sorted[i]!.score === score) {
      if (sorted[i]!.positive) newTp++;
      seen++;
      i++;
    }
    tp += newTp;
    ap += (newTp / positives) * (tp / seen);
  }
  return ap;
}

export interface Confusion {
  precision: number;
  recall: number;
  /** How many were predicted positive. */
  flagged: number;
}

/** Precision and recall of "positive when score ≥ threshold" (precision 0 when nothing is flagged). */
export function precisionRecallAt(scored: readonly Scored[], threshold: number): Confusion {
  let tp = 0;
  let flagged = 0;
  let positives = 0;
  for (const s of scored) {
    if (s.positive) positives++;
    if (s.score >= threshold) {
      flagged++;
      if (s.positive) tp++;
    }
  }
  return { precision: flagged ? tp / flagged : 0, recall: positives ? tp / positives : 0, flagged };
}

export const baseRate = (scored: readonly Scored[]): number => (scored.length ? scored.filter((s) => s.positive).length / scored.length : 0);

/** The threshold (among the finite scores) with the best F1, and that F1; ties keep the higher threshold. */
export function bestF1Threshold(scored: readonly Scored[]): { threshold: number; f1: number } {
  let best = { threshold: Infinity, f1: 0 };
  const candidates = [...new Set(scored.map((s) => s.score).filter(Number.isFinite))].sort((a, b) => b - a);
  for (const threshold of candidates) {
    const { precision, recall } = precisionRecallAt(scored, threshold);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > best.f1) best = { threshold, f1 };
  }
  return best;
}
