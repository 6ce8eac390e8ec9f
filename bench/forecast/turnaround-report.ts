import type { CellReport, CoverageReport } from '../../src/forecast/conformal/index.js';

const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pct = (x: number) => `${f(100 * x, 1)} %`;

export const METHOD_HEADER = `${'method'.padEnd(34)}${'n'.padStart(7)}  P50 MAE  pinball 0.1/0.5/0.9 (mean)     coverage  width`;

/** One method's line; with the twin's cell on the same cases, the ratios of MAE and mean pinball to it. */
export function methodLine(name: string, cell: CellReport, twin?: CellReport, pointOnly = false): string {
  const { pinball: p } = cell;
  const band = pointOnly ? '(point forecast)' : `${pct(cell.coverage).padStart(8)}  ${f(cell.meanWidth).padStart(5)}`;
  const ratios = twin ? `  ×twin: MAE ${f(cell.p50Mae / twin.p50Mae)}, pinball ${f(p.mean / twin.pinball.mean)}` : '';
  return `${name.padEnd(34)}${String(cell.count).padStart(7)}  ${f(cell.p50Mae).padStart(7)}  ${f(p.p10)}/${f(p.p50)}/${f(p.p90)} (${f(p.mean)})`.padEnd(84) + `${band}${ratios}`;
}

/** Per product × stage: V2V's band beside the median baseline's MAE and the empirical pinball. */
export function cellLines(v2v: CoverageReport, median: CoverageReport, empirical: CoverageReport, minCount: number): string[] {
  const lines = [`${'product × stage'.padEnd(48)}      n  cover  width  MAE (median bl.)  pinball (empirical)`];
  for (const [cell, r] of Object.entries(v2v.byGroup)) {
    const flag = r.count >= minCount ? (r.coverage >= 0.7 ? ' ' : '!') : '·';
    const m = median.byGroup[cell]!;
    const e = empirical.byGroup[cell]!;
    lines.push(
      `${flag} ${cell.padEnd(46)}${String(r.count).padStart(7)}  ${f(100 * r.coverage, 1).padStart(5)}  ${f(r.meanWidth).padStart(5)}  ${f(r.p50Mae).padStart(5)} (${f(m.p50Mae)})  ${f(r.pinball.mean).padStart(5)} (${f(e.pinball.mean)})`,
    );
  }
  lines.push(`  (cells with n ≥ ${minCount} unmarked if coverage ≥ 70 %, "!" if below; "·" fewer than ${minCount} cases)`);
  return lines;
}

export interface TargetVerdicts {
  maeGain: number;
  pinballToTwin: number;
  coverage: number;
  worstCell?: { cell: string; coverage: number };
  latencyUs: number;
}

export function verdictLines(v: TargetVerdicts): string[] {
  const mark = (ok: boolean) => (ok ? 'met   ' : 'MISSED');
  return [
    `${mark(v.maeGain >= 0.3)} P50 MAE ≥ 30 % better than the median per product: ${f(100 * v.maeGain, 1)} % better`,
    `${mark(v.pinballToTwin <= 1.15)} mean pinball ≤ 1.15 × the twin's (twin sample): ×${f(v.pinballToTwin)}`,
    `${mark(v.coverage >= 0.78 && v.coverage <= 0.82)} [P10, P90] coverage 78–82 % overall: ${pct(v.coverage)}`,
    v.worstCell
      ? `${mark(v.worstCell.coverage >= 0.7)} ≥ 70 % in every cell with ≥ 100 cases: lowest ${pct(v.worstCell.coverage)} (${v.worstCell.cell})`
      : 'n/a    no cell with ≥ 100 cases',
    `${mark(v.latencyUs < 200)} prediction < 200 µs: ${f(v.latencyUs, 1)} µs (features + 3 trees + CQR)`,
  ];
}
