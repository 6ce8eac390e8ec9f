import { DAY_MS } from '../../domain/durations.js';
import type { EquipmentKind } from '../../domain/equipment.js';
import { unitDayFeatures } from './daily-features.js';
import type { MaintenanceFeatureRow } from './feature-list.js';
import { failedDuring, unitDayLabels, type MaintenanceLabels } from './labels.js';
import { unitHistories, type EquipmentRecords } from './unit-history.js';

export interface MaintenanceRow {
  equipmentId: string;
  kind: EquipmentKind;
  /** Epoch day; the row is as of the end of it. */
  day: number;
  features: MaintenanceFeatureRow;
  labels: MaintenanceLabels;
}

/**
 * One row per unit-day with telemetry, labelled by what happened next. A unit down all day sent
 * nothing and has no row; a day on which it failed has none either (the question "will it fail in
 * the next 7 days" is moot once it has).
 */
export function maintenanceRows(records: EquipmentRecords & { endAt: string }): MaintenanceRow[] {
  const historyEnd = Date.parse(records.endAt);
  const rows: MaintenanceRow[] = [];
  for (const history of unitHistories(records).values()) {
    const days = [...history.telemetry.keys()].sort((a, b) => a - b);
    for (const day of days) {
      if ((day + 1) * DAY_MS > historyEnd || failedDuring(history, day)) continue;
      rows.push({ equipmentId: history.unit.id, kind: history.unit.kind, day, features: unitDayFeatures(history, day), labels: unitDayLabels(history, day, historyEnd) });
    }
  }
  return rows.sort((a, b) => a.day - b.day || a.equipmentId.localeCompare(b.equipmentId));
}
