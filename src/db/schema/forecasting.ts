import { sql } from 'drizzle-orm';
import { bigint, bigserial, doublePrecision, index, integer, jsonb, pgTable, text, unique, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { batches } from './batches.js';
import { at, createdAt, simulated, simulationSeed } from './columns.js';
import { equipment } from './telemetry.js';

/** What a registered model predicts: turnaround in days, or an equipment unit's failure risk and RUL. */
export const MODEL_TARGETS = ['release_days', 'infusion_ready_days', 'equipment_failure_7d', 'equipment_rul'] as const;
/** candidate (trained, not serving) → active (serving; one per target and scope) → retired. */
export const MODEL_STATES = ['candidate', 'active', 'retired'] as const;

/**
 * The model registry. `scope` says what a model covers: `network` for turnaround, an equipment kind
 * for maintenance models. A partial unique index lets one model per target and scope be active.
 */
export const models = pgTable('models', {
  id: text('id').primaryKey(),
  target: text('target', { enum: MODEL_TARGETS }).notNull(),
  scope: text('scope').notNull(),
  version: integer('version').notNull(),
  state: text('state', { enum: MODEL_STATES }).notNull().default('candidate'),
  /** The training window: landmarks (or unit-days) from `trainedFrom` to `trainedTo`. */
  trainedFrom: at('trained_from').notNull(),
  trainedTo: at('trained_to').notNull(),
  features: jsonb('features').$type<string[]>().notNull(),
  /** Hold-out and backtest figures measured when the model was trained. */
  metrics: jsonb('metrics').notNull(),
  /** The LightGBM dumps and calibration the worker serves, as plain JSON. */
  artifact: jsonb('artifact').notNull(),
  createdAt: createdAt(),
  promotedAt: at('promoted_at'),
  retiredAt: at('retired_at'),
}, (t) => [
  unique('models_target_scope_version_uq').on(t.target, t.scope, t.version),
  uniqueIndex('models_one_active_idx').on(t.target, t.scope).where(sql`state = 'active'`),
]);

/**
 * One landmark of a batch (a stage entry or milestone) and what was known then, as raw facts
 * (categories as names, not codes): the training rows of the turnaround models are these joined with
 * the outcomes in batch_stage_history, so training and serving read the very same facts. Written by
 * the forecast activity for real batches and by history mode for simulated ones.
 */
export const landmarks = pgTable('landmarks', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** batch id + instant: a retried activity or a rewritten history finds its earlier row. */
  key: text('key').notNull().unique(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  productId: text('product_id').notNull(),
  stage: text('stage').notNull(),
  at: at('at').notNull(),
  facts: jsonb('facts').notNull(),
  /** The targets still ahead of the batch at the landmark: only those can be labelled. */
  ahead: jsonb('ahead').$type<string[]>().notNull(),
  simulationSeed: simulationSeed(),
  simulated: simulated(),
  createdAt: createdAt(),
}, (t) => [index('landmarks_at_idx').on(t.at), index('landmarks_batch_idx').on(t.batchId, t.at)]);

/** A maintenance model's view of one unit at one moment: failure within 7 days and remaining life. */
export const forecasts = pgTable('forecasts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Idempotency key of the activity that wrote it (null for forecasts made outside a workflow). */
  key: text('key').unique(),
  batchId: uuid('batch_id').references(() => batches.id),
  equipmentId: text('equipment_id'),
  target: text('target').notNull(),
  modelId: text('model_id'),
  /** The landmark the forecast was made at (its facts are the model's inputs). */
  landmarkId: bigint('landmark_id', { mode: 'number' }).references((): AnyPgColumn => landmarks.id),
  /** Quantiles in `unit` (hours until ready for turnaround, hours to failure for equipment). */
  unit: text('unit').notNull(),
  p10: doublePrecision('p10').notNull(),
  p50: doublePrecision('p50').notNull(),
  p90: doublePrecision('p90').notNull(),
  details: jsonb('details'),
  createdAt: createdAt(),
}, (t) => [
  index('forecasts_batch_idx').on(t.batchId, t.createdAt),
  // Deleting a simulated seed's landmarks checks each against this key: an index makes it a lookup.
  index('forecasts_landmark_idx').on(t.landmarkId),
]);

export const equipmentAssessments = pgTable('equipment_assessments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  key: text('key').notNull().unique(),
  equipmentId: text('equipment_id').notNull().references(() => equipment.id),
  at: at('at').notNull(),
  failureProbability7d: doublePrecision('failure_probability_7d').notNull(),
  rulDays: doublePrecision('rul_days'),
  /** `model` (with the registry ids) or `threshold-rule` when no model is active. */
  method: text('method').notNull(),
  failureModelId: text('failure_model_id'),
  rulModelId: text('rul_model_id'),
  details: jsonb('details'),
  createdAt: createdAt(),
}, (t) => [index('equipment_assessments_unit_idx').on(t.equipmentId, t.at)]);

export const TICKET_STATES = ['open', 'closed'] as const;

/** Opened when a unit's failure risk passes the threshold; while open, the unit takes no new batch. */
export const maintenanceTickets = pgTable('maintenance_tickets', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull().unique(),
  equipmentId: text('equipment_id').notNull().references(() => equipment.id),
  state: text('state', { enum: TICKET_STATES }).notNull().default('open'),
  reason: text('reason').notNull(),
  failureProbability7d: doublePrecision('failure_probability_7d').notNull(),
  rulDays: doublePrecision('rul_days'),
  openedAt: at('opened_at').notNull(),
  closedAt: at('closed_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('maintenance_tickets_one_open_idx').on(t.equipmentId).where(sql`state = 'open'`)]);
