import type { FigureUnit } from './kpi-figures.js';
import type { Interval } from './statistics.js';
import type { WhatIfReport } from './run-what-if.js';

/** The what-if as a table: each KPI for the baseline, the scenario and their paired difference, with 95 % intervals. */
export function formatWhatIfReport(report: WhatIfReport): string {
  const rows = report.figures.map((f) => [f.label, withInterval(f.baseline, f.unit, report.currency), withInterval(f.scenario, f.unit, report.currency), withInterval(f.difference, f.unit, report.currency, true)]);
  const header = ['KPI (mean of replications, 95 % interval)', report.baselineName, report.scenarioName, 'difference'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ');
  const seconds = report.elapsedMs / 1000;
  return [
    `${report.scenarioName} against ${report.baselineName}: ${report.replications} replications from seed ${report.seed}, ${report.years} year(s) of enrolment each, followed to the end of every journey;`,
    `KPIs count the patients enrolled after the warm-up; infused within target = within ${report.targetDays} days of the first collection.`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `${report.batches.toLocaleString('en-US')} batches simulated in ${seconds.toFixed(1)} s (${Math.round(report.batches / seconds).toLocaleString('en-US')} batches/s).`,
  ].join('\n');
}

function withInterval(i: Interval, unit: FigureUnit, currency: string, signed = false): string {
  if (Number.isNaN(i.mean)) return 'n/a';
  const f = (v: number) => format(v, unit, signed);
  const value = unit === 'money' ? `${currency} ${f(i.mean)}` : f(i.mean);
  return i.n > 1 ? `${value} (${f(i.low)} … ${f(i.high)})` : value;
}

function format(v: number, unit: FigureUnit, signed: boolean): string {
  const sign = signed && v > 0 ? '+' : '';
  switch (unit) {
    case 'days':
      return `${sign}${v.toFixed(1)} d`;
    case 'share':
      return `${sign}${(v * 100).toFixed(1)} %`;
    case 'count':
      return `${sign}${v.toFixed(1)}`;
    case 'money':
      return `${sign}${Math.round(v).toLocaleString('en-US')}`;
  }
}
