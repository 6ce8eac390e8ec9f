import type { PolicyFigures } from './policy-figures.js';
import type { PolicyResult } from './policy-comparison.js';

type Unit = 'days' | 'share' | 'count' | 'money';

/** The rows of the policy table, in order. */
export const POLICY_ROWS: readonly { label: string; unit: Unit; of: (f: PolicyFigures) => number | undefined }[] = [
  { label: 'order → infusion, median', unit: 'days', of: (f) => f.orderToInfusionMedian },
  { label: 'order → infusion, P90', unit: 'days', of: (f) => f.orderToInfusionP90 },
  { label: 'vein to vein, median', unit: 'days', of: (f) => f.veinToVeinMedian },
  { label: 'vein to vein, P90', unit: 'days', of: (f) => f.veinToVeinP90 },
  { label: 'cells waiting for a line, median', unit: 'days', of: (f) => f.lineWaitMedian },
  { label: 'cells waiting for a line, P90', unit: 'days', of: (f) => f.lineWaitP90 },
  { label: 'cells waiting for a line, longest', unit: 'days', of: (f) => f.lineWaitMax },
  { label: 'batches whose cells waited', unit: 'count', of: (f) => f.batchesThatWaited },
  { label: 'line utilisation', unit: 'share', of: (f) => f.lineUtilisation },
  { label: 'patients not infused', unit: 'share', of: (f) => f.notInfusedShare },
  { label: 'cost per infused patient', unit: 'money', of: (f) => f.costPerInfused },
  { label: 'patients', unit: 'count', of: (f) => f.patients },
];

/** Each policy's figures, each also as a ratio to the first column (today's first at the door). */
export function formatPolicyTable(results: readonly PolicyResult[], currency: string): string {
  const reference = results[0]!.figures;
  const header = ['figure (patients of all seeds pooled)', ...results.map((r, i) => (i === 0 ? r.variant.id : `${r.variant.id} (× ${results[0]!.variant.id})`))];
  const rows = POLICY_ROWS.map(({ label, unit, of }) => [
    label,
    ...results.map((r, i) => {
      const value = of(r.figures);
      const base = of(reference);
      const shown = formatValue(value, unit, currency);
      if (i === 0 || value === undefined || base === undefined) return shown;
      return `${shown} (${base === 0 ? (value === 0 ? '1.00' : '∞') : (value / base).toFixed(2)})`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatValue(v: number | undefined, unit: Unit, currency = ''): string {
  if (v === undefined || Number.isNaN(v)) return 'n/a';
  switch (unit) {
    case 'days':
      return `${v.toFixed(1)} d`;
    case 'share':
      return `${(v * 100).toFixed(1)} %`;
    case 'count':
      return `${Math.round(v)}`;
    case 'money':
      return `${currency} ${Math.round(v).toLocaleString('en-US')}`;
  }
}
