import type { EQUIPMENT_KINDS } from './stages.js';

// The records of a unit of equipment that its maintenance forecasts read: the twin writes them,
// and the same shapes are read back from the database.

export type EquipmentKind = (typeof EQUIPMENT_KINDS)[number];

export interface EquipmentUnit {
  id: string;
  siteId: string;
  kind: EquipmentKind;
  installedAt: string;
}

/** A failure, a repair or a scheduled service of one piece of equipment. */
export interface MaintenanceRecord {
  equipmentId: string;
  kind: 'failure' | 'repair' | 'service';
  at: string;
  /** Hours the unit was out of service because of it (failures and services). */
  downtimeHours?: number;
}

/** One day of one metric of one piece of equipment, summarised as the forecasts' features need it. */
export interface DailyTelemetrySummary {
  equipmentId: string;
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  metric: string;
  n: number;
  mean: number;
  min: number;
  max: number;
  stddev: number;
  /** Minutes out of the unit's limits that day. */
  minutesOutOfRange: number;
}
