import { bigserial, date, doublePrecision, integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { at, createdAt } from './columns.js';
import { equipment } from './telemetry.js';

export const MAINTENANCE_KINDS = ['failure', 'repair', 'service'] as const;

/**
 * What happened to a piece of equipment: failures, repairs and scheduled services. With the daily
 * telemetry below, the history the equipment forecasts learn from (time since service, failures).
 */
export const maintenanceEvents = pgTable('maintenance_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  equipmentId: text('equipment_id').notNull().references(() => equipment.id),
  kind: text('kind', { enum: MAINTENANCE_KINDS }).notNull(),
  at: at('at').notNull(),
  /** Hours the unit was out of service because of it (failures and services). */
  downtimeHours: doublePrecision('downtime_hours'),
  createdAt: createdAt(),
}, (t) => [unique('maintenance_events_entry_uq').on(t.equipmentId, t.kind, t.at)]);

/**
 * One UTC day of one metric of one unit, summarised: a year of a fleet's readings in a few hundred
 * thousand rows, and the features (drift of the mean, spread, minutes out of range) at hand. Like
 * sensor_readings it has no foreign key: checking a million rows a year against `equipment` would
 * cost more than the writing. Keyed in the order a unit's days are written and read.
 */
export const equipmentDailyTelemetry = pgTable('equipment_daily_telemetry', {
  equipmentId: text('equipment_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  metric: text('metric').notNull(),
  n: integer('n').notNull(),
  mean: doublePrecision('mean').notNull(),
  min: doublePrecision('min').notNull(),
  max: doublePrecision('max').notNull(),
  stddev: doublePrecision('stddev').notNull(),
  minutesOutOfRange: doublePrecision('minutes_out_of_range').notNull(),
}, (t) => [primaryKey({ columns: [t.equipmentId, t.day, t.metric] })]);
