import type { CellReport } from '../conformal/index.js';
import type { listModels } from '../registry/index.js';
import type { BacktestFigures } from './backtest.js';
import type { CandidateMetrics } from './train-candidate.js';

const day = (iso: string | Date) => (typeof iso === 'string' ? iso : iso.toISOString()).slice(0, 10);
const minute = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
const figures = (c: CellReport) => [num(c.p50Mae), num(c.pinball.mean, 3), pct(c.coverage), num(c.meanWidth)];

/** The first `left` columns are names, aligned left; the figures after them align right. */
function table(header: string[], rows: string[][], left = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `  ${r.map((v, i) => (i < left ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A backtest for people: each fold, all folds together, and the product × stage cells with `minCell` cases or more. */
export function describeBacktest(target: string, b: BacktestFigures, minCell = 30): string[] {
  const o = b.overall;
  return [
    `rolling-origin backtest of ${target}: ${b.folds.length} origins, each model trained on the outcomes known at its origin`,
    ...table(
      ['origin', 'test window', 'train', 'calibrate', 'test', 'P50 MAE', 'pinball', 'coverage', 'width'],
      b.folds.map((f) => [day(f.origin), `${day(f.testFrom)} → ${day(f.testTo)}`, String(f.rows.train), String(f.rows.calibration), String(f.rows.test), ...figures(f.overall)]),
      2,
    ),
    `all folds, ${o.count} cases: P50 MAE ${num(o.p50Mae)} days; pinball 0.1/0.5/0.9 ${num(o.pinball.p10, 3)} / ${num(o.pinball.p50, 3)} / ${num(o.pinball.p90, 3)} (mean ${num(o.pinball.mean, 3)}); [P10, P90] covers ${pct(o.coverage)}, ${num(o.meanWidth)} days wide`,
    `per product × stage (cells of ${minCell} or more cases; MAE, pinball and width in days):`,
    ...table(
      ['cell', 'cases', 'P50 MAE', 'pinball', 'coverage', 'width'],
      Object.entries(b.byGroup).filter(([, c]) => c.count >= minCell).map(([cell, c]) => [cell, String(c.count), ...figures(c)]),
    ),
  ];
}

/** Training's outcome for people: the rows, the backtest, the judgement against the active model. */
export function describeCandidate(id: string, target: string, m: CandidateMetrics): string[] {
  const c = m.challenge;
  return [
    `${m.source} landmarks${m.seed !== null ? ` of seed ${m.seed}` : ''} up to ${m.until}: ${m.rows.landmarks} in all, ${m.rows.labelled} labelled with ${target}; the model trained on ${m.rows.train} and calibrated on the newest ${m.rows.calibration}`,
    ...describeBacktest(target, m.backtest),
    c === null
      ? 'no model was active for this target and scope: promoting it needs no comparison'
      : `against ${c.against} on the ${c.cases} backtest cases after ${c.unseenAfter}: mean pinball ${c.candidate === null ? '—' : num(c.candidate, 3)} (candidate) and ${c.active === null ? '—' : num(c.active, 3)} (active)`,
    `registered candidate ${id} (v2v forecast promote ${id})`,
  ];
}

type ListedModel = Awaited<ReturnType<typeof listModels>>[number];

/** `v2v forecast list`: one line per model, with its backtest's headline figures when it has one. */
export function describeModels(models: readonly ListedModel[]): string[] {
  if (models.length === 0) return ['no model registered'];
  const headline = (metrics: unknown) => {
    const overall = (metrics as Partial<CandidateMetrics> | null)?.backtest?.overall;
    return overall ? figures(overall).slice(0, 3) : ['—', '—', '—'];
  };
  return table(
    ['id', 'target', 'scope', 'state', 'training window', 'P50 MAE', 'pinball', 'coverage', 'created', 'promoted'],
    models.map((m) => [
      m.id ?? '', m.target ?? '', m.scope ?? '', m.state ?? '',
      m.trainedFrom && m.trainedTo ? `${day(m.trainedFrom)} → ${day(m.trainedTo)}` : '—',
      ...headline(m.metrics),
      m.createdAt ? minute(m.createdAt) : '—', m.promotedAt ? minute(m.promotedAt) : '—',
    ]),
    5,
  );
}
