import { MAINTENANCE_FEATURES } from './feature-list.js';
import { isoDay } from './unit-history.js';
import type { MaintenanceRow } from './training-rows.js';

const KEY_COLUMNS = ['equipment_id', 'day'] as const;
export const LABEL_COLUMNS = ['fails_within_7d', 'rul_days'] as const;

/**
 * The rows as CSV for the LightGBM trainer: the key columns, every feature in `MAINTENANCE_FEATURES`
 * order, then the labels. An empty cell is missing (LightGBM's NaN); a censored label is empty too,
 * so the trainer drops those rows for that target only.
 */
export function maintenanceCsv(rows: readonly MaintenanceRow[]): string {
  const lines = [[...KEY_COLUMNS, ...MAINTENANCE_FEATURES, ...LABEL_COLUMNS].join(',')];
  for (const r of rows) {
    const cells = [r.equipmentId, isoDay(r.day), ...MAINTENANCE_FEATURES.map((f) => cell(r.features[f])), cell(r.labels.failsWithin7Days), cell(r.labels.rulDays)];
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const cell = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : String(v));
