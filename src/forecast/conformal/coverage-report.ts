import type { QuantilePrediction } from './cqr.js';

export interface ScoredCase extends QuantilePrediction {
  y: number;
  /** The report's cell, e.g. `autologous-cd19-fresh × MANUFACTURING`. */
  group: string;
}

export interface CellReport {
  count: number;
  /** Share of outcomes inside [P10, P90]. */
  coverage: number;
  meanWidth: number;
  pinball: { p10: number; p50: number; p90: number; mean: number };
  p50Mae: number;
}

export interface CoverageReport {
  overall: CellReport;
  byGroup: Record<string, CellReport>;
}

/** Quantile (pinball) loss of predicting q-quantile `p` for outcome `y`. */
export const pinball = (y: number, p: number, q: number) => (y >= p ? q * (y - p) : (1 - q) * (p - y));

function cell(cases: readonly ScoredCase[]): CellReport {
  const n = cases.length;
  const mean = (f: (c: ScoredCase) => number) => (n === 0 ? NaN : cases.reduce((s, c) => s + f(c), 0) / n);
  const p10 = mean((c) => pinball(c.y, c.p10, 0.1));
  const p50 = mean((c) => pinball(c.y, c.p50, 0.5));
  const p90 = mean((c) => pinball(c.y, c.p90, 0.9));
  return {
    count: n,
    coverage: mean((c) => (c.y >= c.p10 && c.y <= c.p90 ? 1 : 0)),
    meanWidth: mean((c) => c.p90 - c.p10),
    pinball: { p10, p50, p90, mean: (p10 + p50 + p90) / 3 },
    p50Mae: mean((c) => Math.abs(c.y - c.p50)),
  };
}

/** Coverage overall and per cell: a marginal 80 % can hide a stage at 60 %. */
export function coverageReport(cases: readonly ScoredCase[]): CoverageReport {
  const groups = new Map<string, ScoredCase[]>();
  for (const c of cases) {
    const members = groups.get(c.group);
    if (members) members.push(c);
    else groups.set(c.group, [c]);
  }
  const byGroup = Object.fromEntries([...groups.keys()].sort().map((g) => [g, cell(groups.get(g)!)]));
  return { overall: cell(cases), byGroup };
}
