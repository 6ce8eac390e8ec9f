import { bigint, doublePrecision, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { EngineState } from '../../domain/excursions/engine.js';
import { EXCURSION_KINDS, EXCURSION_STATES } from '../../domain/excursions/types.js';
import { EQUIPMENT_KINDS } from '../../domain/stages.js';
import { shipments } from './batches.js';
import { at, createdAt, simulated, simulationSeed, tstzrange } from './columns.js';
import { sites } from './reference.js';

export const equipment = pgTable('equipment', {
  id: text('id').primaryKey(),
  siteId: text('site_id').notNull().references(() => sites.id),
  kind: text('kind', { enum: EQUIPMENT_KINDS }).notNull(),
  model: text('model'),
  profile: jsonb('profile'),
  maintenanceState: text('maintenance_state', { enum: ['in_service', 'maintenance', 'retired'] }).notNull().default('in_service'),
  /** When the unit went into service: its age is a feature of the equipment forecasts. */
  installedAt: at('installed_at'),
  /** The manufacturing line a bioreactor serves (`line-N`): a unit under maintenance takes no new slot. */
  line: text('line'),
  simulationSeed: simulationSeed(),
  simulated: simulated(),
  createdAt: createdAt(),
});

export const gateways = pgTable('gateways', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  siteId: text('site_id').references(() => sites.id),
  createdAt: createdAt(),
});

/** A device publishes only through the gateway it is registered to. */
export const devices = pgTable('devices', {
  id: text('id').primaryKey(),
  gatewayId: text('gateway_id').notNull().references(() => gateways.id),
  kind: text('kind').notNull(),
  createdAt: createdAt(),
});

/**
 * What a device measured during a time range: a shipment or a piece of equipment (exactly one;
 * a check constraint says so, and an exclusion constraint forbids overlapping bindings).
 */
export const deviceBindings = pgTable('device_bindings', {
  id: uuid('id').primaryKey().defaultRandom(),
  deviceId: text('device_id').notNull().references(() => devices.id),
  shipmentId: text('shipment_id').references(() => shipments.id),
  equipmentId: text('equipment_id').references(() => equipment.id),
  during: tstzrange('during').notNull(),
  createdAt: createdAt(),
}, (t) => [index('device_bindings_shipment_idx').on(t.shipmentId)]);

/**
 * Readings, range-partitioned by event time (the partitioning lives in the SQL migration;
 * drizzle does not model it). The key includes event_time because PostgreSQL requires the
 * partition key in every unique constraint of a partitioned table.
 */
export const sensorReadings = pgTable('sensor_readings', {
  eventId: uuid('event_id').notNull(),
  eventTime: at('event_time').notNull(),
  deviceId: text('device_id').notNull(),
  gatewayId: text('gateway_id').notNull(),
  metric: text('metric').notNull(),
  value: doublePrecision('value'),
  text: text('text_value'),
  unit: text('unit').notNull(),
  seq: bigint('seq', { mode: 'number' }),
  /** The device's binding at the reading's event time; null when the device was bound to nothing. */
  bindingId: uuid('binding_id'),
  ingestedAt: at('ingested_at').notNull().defaultNow(),
}, (t) => [
  // Time first: readings arrive in about event-time order, so the key grows at its right edge. An
  // eventId alone is looked up in reading_event_ids, never here (migration 0031).
  primaryKey({ columns: [t.eventTime, t.eventId] }),
  index('sensor_readings_device_time_idx').on(t.deviceId, t.eventTime),
]);

/**
 * Every stored reading's eventId once, with its event time. sensor_readings' key is unique only
 * within a month's partition, so asking it whether an eventId is stored meant asking every month's
 * index: the largest stage of a chunk on 20 million readings (bench/README.md). Here one probe
 * answers, and its key is what stops an eventId being stored twice (src/ingest/stored-readings.ts).
 * Detaching a month's partition deletes that month's ids (migration 0030); the BRIN index finds
 * them, readings arriving roughly in event-time order.
 */
export const readingEventIds = pgTable('reading_event_ids', {
  eventId: uuid('event_id').primaryKey(),
  eventTime: at('event_time').notNull(),
}, (t) => [index('reading_event_ids_time_idx').using('brin', t.eventTime)]);

/** Excursions and telemetry gaps, one row each, opened and closed by the excursion engine. */
export const excursions = pgTable('excursions', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind', { enum: EXCURSION_KINDS }).notNull(),
  deviceId: text('device_id').notNull().references(() => devices.id),
  batchId: uuid('batch_id'),
  shipmentId: text('shipment_id'),
  equipmentId: text('equipment_id'),
  metric: text('metric'),
  rule: jsonb('rule'),
  /** `withdrawn`: a late reading showed the excursion never met its rule (the workflow was told it closed). */
  state: text('state', { enum: EXCURSION_STATES }).notNull().default('open'),
  openedAt: at('opened_at').notNull(),
  closedAt: at('closed_at'),
  peakValue: doublePrecision('peak_value'),
  durationMs: bigint('duration_ms', { mode: 'number' }),
  bindingId: uuid('binding_id'),
  assessment: jsonb('assessment'),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow(),
}, (t) => [
  index('excursions_device_idx').on(t.deviceId, t.openedAt),
  index('excursions_batch_idx').on(t.batchId),
]);

/**
 * The excursion engine's state for one device binding, written in the same transaction as the
 * readings and the consumed offsets, so a restarted consumer resumes exactly where it stopped.
 * `gap_due_at` is when the device becomes silent for too long (the gap sweep's index).
 */
export const engineState = pgTable('engine_state', {
  bindingId: uuid('binding_id').primaryKey().references(() => deviceBindings.id),
  deviceId: text('device_id').notNull().references(() => devices.id),
  state: jsonb('state').$type<EngineState>().notNull(),
  gapDueAt: at('gap_due_at'),
  /** The V2V_TIME_SCALE the rules were judged with: only a sweeper on the same clock opens its gaps. */
  timeScale: doublePrecision('time_scale').notNull().default(1),
  updatedAt: at('updated_at').notNull().defaultNow(),
}, (t) => [index('engine_state_gap_due_idx').on(t.gapDueAt)]);
