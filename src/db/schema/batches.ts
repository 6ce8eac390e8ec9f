import { bigserial, boolean, smallint, doublePrecision, foreignKey, index, integer, jsonb, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { ALERT_SEVERITIES } from '../../domain/alerts.js';
import { SHIPMENT_LEGS, STAGES } from '../../domain/stages.js';
import { at, createdAt, simulated, simulationSeed, tstzrange } from './columns.js';
import { productProfiles, sites } from './reference.js';

/**
 * One patient's batch. `coiId` is the pseudonymous chain-of-identity id; `patientRef` is the
 * hospital's own pseudonymous reference. No name, birth date or record number is ever stored.
 */
export const batches = pgTable('batches', {
  id: uuid('id').primaryKey().defaultRandom(),
  coiId: text('coi_id').notNull().unique(),
  patientRef: text('patient_ref').notNull(),
  productId: text('product_id').notNull().references(() => productProfiles.id),
  apheresisCenterId: text('apheresis_center_id').notNull().references(() => sites.id),
  treatmentCenterId: text('treatment_center_id').notNull().references(() => sites.id),
  facilityId: text('facility_id').references(() => sites.id),
  din: text('din'),
  stage: text('stage', { enum: STAGES }).notNull().default('ORDERED'),
  /** The V2V_TIME_SCALE the batch was enrolled with, so forecasts learn only from batches on the same clock. */
  timeScale: doublePrecision('time_scale').notNull().default(1),
  simulationSeed: simulationSeed(),
  simulated: simulated(),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow(),
}, (t) => [
  index('batches_stage_idx').on(t.stage),
  // The board's listing (real or simulated, newest first) reads this index backwards instead of sorting every row
  // (ascending: a DESC NULLS LAST index would not match ORDER BY created_at DESC, which puts nulls first).
  index('batches_listing_idx').on(t.simulated, t.createdAt),
  index('batches_simulation_seed_idx').on(t.simulationSeed).where(sql`simulation_seed is not null`),
  // The target of custody_events' (batch, seed) key: a record can claim a seed only if its batch has it.
  unique('batches_id_simulation_seed_uq').on(t.id, t.simulationSeed),
]);

/**
 * The chain of custody: append-only (a trigger refuses UPDATE and DELETE, except DELETE of a simulated
 * batch's records: drizzle/0007), hash-chained per batch.
 * `recordKey` is the workflow's idempotency key: a retried append finds its earlier record.
 */
export const custodyEvents = pgTable('custody_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  recordKey: text('record_key').notNull().unique(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  seq: integer('seq').notNull(),
  kind: text('kind').notNull(),
  step: text('step'),
  actorName: text('actor_name').notNull(),
  actorRole: text('actor_role').notNull(),
  location: text('location'),
  meaning: text('meaning'),
  data: jsonb('data'),
  occurredAt: at('occurred_at').notNull(),
  recordedAt: at('recorded_at').notNull().defaultNow(),
  prevHash: text('prev_hash'),
  hash: text('hash').notNull(),
  /**
   * What the hash covers (src/domain/custody-chain.ts): 1 = the fields before recorded_at was evidence,
   * 2 = those and recorded_at. Records keep the version they were written with, so old ones still verify.
   */
  hashVersion: smallint('hash_version').notNull().default(1),
  /** Its batch's seed, on a simulated batch's records only: the one kind of record the append-only trigger lets be deleted. */
  simulationSeed: simulationSeed(),
}, (t) => [
  uniqueIndex('custody_events_batch_seq_uq').on(t.batchId, t.seq),
  // So no record of a real batch can be marked simulated (and so become deletable).
  foreignKey({ name: 'custody_events_simulated_batch_fk', columns: [t.batchId, t.simulationSeed], foreignColumns: [batches.id, batches.simulationSeed] }),
]);

/**
 * Each real batch's chain head (its last seq and hash), written only by a trigger on custody_events
 * in the inserting transaction (drizzle/0017): a tail or a whole chain deleted behind the
 * append-only trigger leaves a head that no longer matches, and the signed checkpoints anchor the
 * heads outside PostgreSQL. Processes may only read it.
 */
export const custodyHeads = pgTable('custody_heads', {
  batchId: uuid('batch_id').primaryKey().references(() => batches.id),
  seq: integer('seq').notNull(),
  hash: text('hash').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/**
 * Every stage a batch entered and when: the history the empirical turnaround baseline learns from.
 * Unique per (batch, stage, instant) so a retried stage change records nothing twice.
 */
export const batchStageHistory = pgTable('batch_stage_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  productId: text('product_id').notNull().references(() => productProfiles.id),
  stage: text('stage', { enum: STAGES }).notNull(),
  previous: text('previous', { enum: STAGES }),
  enteredAt: at('entered_at').notNull(),
}, (t) => [
  unique('batch_stage_history_entry_uq').on(t.batchId, t.stage, t.enteredAt),
  index('batch_stage_history_product_stage_idx').on(t.productId, t.stage),
]);

/**
 * Shipment ids are chosen by the workflow (they name the child workflow `shipment:{id}`), so any
 * text is accepted; a uuid is only the default for rows created elsewhere.
 */
export const shipments = pgTable('shipments', {
  id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  leg: text('leg', { enum: SHIPMENT_LEGS }).notNull(),
  fromSiteId: text('from_site_id').notNull().references(() => sites.id),
  toSiteId: text('to_site_id').notNull().references(() => sites.id),
  state: text('state', { enum: ['planned', 'in_transit', 'delivered', 'cancelled'] }).notNull().default('planned'),
  departedAt: at('departed_at'),
  deliveredAt: at('delivered_at'),
  stabilityDeadline: at('stability_deadline'),
  cancelledAt: at('cancelled_at'),
  createdAt: createdAt(),
}, (t) => [index('shipments_batch_idx').on(t.batchId)]);

export const MANUFACTURING_SLOT_STATES = ['reserved-ahead', 'reserved', 'released'] as const;

/** A facility's production capacity; an exclusion constraint forbids overlapping slots on one line. */
export const manufacturingSlots = pgTable('manufacturing_slots', {
  id: uuid('id').primaryKey().defaultRandom(),
  facilityId: text('facility_id').notNull().references(() => sites.id),
  line: text('line').notNull(),
  batchId: uuid('batch_id').references(() => batches.id),
  during: tstzrange('during').notNull(),
  /** 'reserved-ahead' from enrolment until the cells arrive; 'reserved' (confirmed) once they have. */
  state: text('state', { enum: MANUFACTURING_SLOT_STATES }).notNull().default('reserved'),
  createdAt: createdAt(),
}, (t) => [index('manufacturing_slots_batch_idx').on(t.batchId)]);

/** An infusion chair booked for a day; an exclusion constraint forbids double booking. */
export const infusionBookings = pgTable('infusion_bookings', {
  id: uuid('id').primaryKey().defaultRandom(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  siteId: text('site_id').notNull().references(() => sites.id),
  chair: text('chair').notNull(),
  during: tstzrange('during').notNull(),
  state: text('state', { enum: ['active', 'cancelled'] }).notNull().default('active'),
  ldStart: at('ld_start'),
  /** Set when the P90 of infusion-ready passes the LD start; `safeFrom` is the earliest safe infusion day proposed. */
  atRisk: boolean('at_risk').notNull().default(false),
  safeFrom: at('safe_from'),
  createdAt: createdAt(),
}, (t) => [index('infusion_bookings_batch_idx').on(t.batchId)]);

/**
 * Alerts for coordinators and schedulers (COI mismatch, excursion, escalation, at-risk booking,
 * maintenance ticket); never patient data. About a batch, a piece of equipment, or both.
 */
export const alerts = pgTable('alerts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  key: text('key').notNull().unique(),
  batchId: uuid('batch_id').references(() => batches.id),
  equipmentId: text('equipment_id'),
  severity: text('severity', { enum: ALERT_SEVERITIES }).notNull(),
  kind: text('kind').notNull(),
  message: text('message').notNull(),
  createdAt: createdAt(),
}, (t) => [index('alerts_batch_idx').on(t.batchId, t.createdAt)]);
