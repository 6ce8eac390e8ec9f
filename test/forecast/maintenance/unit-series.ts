import type { DailyTelemetrySummary, EquipmentUnit, MaintenanceRecord } from '../../../src/domain/equipment.js';

/** A hand-made bioreactor installed 100 days before 2027-01-01, reading temperature on the given days. */
export const unit: EquipmentUnit = { id: 'fac-bioreactor-01', siteId: 'fac', kind: 'bioreactor', installedAt: '2026-09-23T00:00:00.000Z' };

export const day = (n: number) => new Date(Date.UTC(2027, 0, 1 + n)).toISOString().slice(0, 10);

export function reading(n: number, mean: number, stddev = 0.1, minutesOutOfRange = 0): DailyTelemetrySummary {
  return { equipmentId: unit.id, day: day(n), metric: 'temperature_c', n: 1440, mean, min: mean - 0.3, max: mean + 0.3, stddev, minutesOutOfRange };
}

export const at = (n: number, hour = 12) => new Date(Date.UTC(2027, 0, 1 + n, hour)).toISOString();

export const failure = (n: number): MaintenanceRecord[] => [
  { equipmentId: unit.id, kind: 'failure', at: at(n), downtimeHours: 36 },
  { equipmentId: unit.id, kind: 'repair', at: at(n + 1, 24) },
];
