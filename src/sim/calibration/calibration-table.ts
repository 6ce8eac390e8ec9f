import { DAY_MS } from '../../domain/durations.js';
import type { SimulationResult } from '../records.js';
import type { Scenario } from '../scenario/scenario.js';
import { batchFacts, veinToVeinDays, type BatchFacts } from '../what-if/batch-facts.js';
import { quantile } from '../what-if/statistics.js';
import { CALIBRATION_TARGETS, type CalibrationMetric, type CalibrationTarget } from './targets.js';

export interface CalibrationRow {
  target: CalibrationTarget;
  simulated: number | undefined;
  /** Patients the figure is computed over. */
  n: number;
  withinBand: boolean;
}

/** Each published figure beside the twin's, over the patients of the run's KPI window whose journey ended. */
export function calibrationTable(result: SimulationResult, scenario: Scenario): CalibrationRow[] {
  const region = new Map(scenario.network.treatmentCentres.map((t) => [t.id, t.region]));
  const from = result.kpiWindow ? Date.parse(result.kpiWindow.from) : -Infinity;
  const to = result.kpiWindow ? Date.parse(result.kpiWindow.to) : Infinity;
  const facts = result.batches.map(batchFacts).filter((f) => f.enrolledAt >= from && f.enrolledAt < to && f.outcome !== 'in-flight');
  return CALIBRATION_TARGETS.map((target) => {
    const patients = facts.filter((f) => f.productId === target.productId && (!target.region || region.get(f.treatmentCenterId) === target.region));
    const simulated = figure(target.metric, patients);
    const [lo, hi] = target.band;
    return { target, simulated, n: patients.length, withinBand: simulated !== undefined && simulated >= lo - 1e-9 && simulated <= hi + 1e-9 };
  });
}

function figure(metric: CalibrationMetric, patients: BatchFacts[]): number | undefined {
  const days = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  switch (metric) {
    case 'v2v-median':
      return quantile(days(patients.map(veinToVeinDays)), 0.5);
    case 'apheresis-to-release-median':
      return quantile(days(patients.map((f) => (f.releasedAt !== undefined && f.releasedAttemptCollectedAt !== undefined ? (f.releasedAt - f.releasedAttemptCollectedAt) / DAY_MS : undefined))), 0.5);
    case 'failure-share':
      return patients.length > 0 ? patients.filter((f) => f.failures > 0).length / patients.length : undefined;
    case 'not-infused-share':
      return patients.length > 0 ? patients.filter((f) => f.droppedOut).length / patients.length : undefined;
    case 'ld-to-infusion-median':
      return quantile(days(patients.map((f) => (f.ldStartAt !== undefined && f.infusedAt !== undefined ? (f.infusedAt - f.ldStartAt) / DAY_MS : undefined))), 0.5);
  }
}

/** The table as text: figure, simulated, published, band, source. */
export function formatCalibrationTable(rows: CalibrationRow[]): string {
  const value = (r: CalibrationRow) => {
    if (r.simulated === undefined) return 'n/a';
    return r.target.metric.endsWith('share') ? `${(r.simulated * 100).toFixed(1)} %` : `${r.simulated.toFixed(1)} d`;
  };
  const band = (r: CalibrationRow) => {
    const [lo, hi] = r.target.band;
    return r.target.metric.endsWith('share') ? `${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)} %` : lo === hi ? `${lo} d` : `${lo}–${hi} d`;
  };
  const header = ['figure', 'simulated', 'n', 'published', 'band', '', 'source'];
  const lines = rows.map((r) => [r.target.label, value(r), String(r.n), r.target.published, band(r), r.withinBand ? 'ok' : 'OUT', r.target.source]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [fmt(header), ...lines.map(fmt)].join('\n');
}
