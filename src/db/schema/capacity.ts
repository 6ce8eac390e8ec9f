import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { batches, manufacturingSlots } from './batches.js';
import { sites } from './reference.js';

/**
 * Capacity as data (issue 18). Standing capacity is on `sites` (collections per open day, lines,
 * chairs); what differs on given days is a `capacity_exceptions` row with who set it and why. A
 * chain's collection day is a `collection_bookings` row, its line window a `manufacturing_slots` row
 * ('reserved-ahead' until the cells arrive), and the chain itself a `slot_chains` row.
 */

/** What an exception changes: a centre's collections, one facility line (or all), a centre's chairs. */
export const CAPACITY_RESOURCES = ['collection', 'line', 'chair'] as const;
export type CapacityResource = (typeof CAPACITY_RESOURCES)[number];

/** A line down for a week, a holiday: the capacity on those local days, who set it and why. */
export const capacityExceptions = pgTable('capacity_exceptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  siteId: text('site_id').notNull().references(() => sites.id),
  resource: text('resource', { enum: CAPACITY_RESOURCES }).notNull(),
  /** For `line`: the line (`line-2`) it closes; null closes or limits the resource as a whole. */
  line: text('line'),
  /** Local calendar days at the site, inclusive. */
  fromDay: date('from_day').notNull(),
  toDay: date('to_day').notNull(),
  /** Capacity on those days (0 = closed). For one line, only 0 makes sense. */
  capacity: integer('capacity').notNull(),
  reason: text('reason').notNull(),
  /** The authenticated caller's subject, never a name from a body. */
  setBy: text('set_by').notNull(),
  /** The request's `Idempotency-Key`, if it had one: a retry finds this row and gets `outcome` again. */
  idempotencyKey: text('idempotency_key'),
  /** SHA-256 of the request body the key first came with (a key reused with another body is refused). */
  requestHash: text('request_hash'),
  /** What the exception did, as first answered: the chains it affected and the ones it moved. */
  outcome: jsonb('outcome'),
  createdAt: createdAt(),
}, (t) => [
  index('capacity_exceptions_site_idx').on(t.siteId, t.fromDay),
  uniqueIndex('capacity_exceptions_idempotency_key_idx').on(t.idempotencyKey),
  check('capacity_exceptions_days_check', sql`to_day >= from_day`),
  check('capacity_exceptions_capacity_check', sql`capacity >= 0`),
  check('capacity_exceptions_resource_check', sql.raw(`resource in (${CAPACITY_RESOURCES.map((r) => `'${r}'`).join(', ')})`)),
]);

export const COLLECTION_BOOKING_STATES = ['active', 'released'] as const;

/** A collection day at an apheresis centre: `slot-1…slot-N` per local day; a unique index decides races. */
export const collectionBookings = pgTable('collection_bookings', {
  id: uuid('id').primaryKey().defaultRandom(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  siteId: text('site_id').notNull().references(() => sites.id),
  day: date('day').notNull(),
  slot: text('slot').notNull(),
  state: text('state', { enum: COLLECTION_BOOKING_STATES }).notNull().default('active'),
  createdAt: createdAt(),
}, (t) => [
  index('collection_bookings_batch_idx').on(t.batchId),
  check('collection_bookings_state_check', sql.raw(`state in (${COLLECTION_BOOKING_STATES.map((s) => `'${s}'`).join(', ')})`)),
]);

export const SLOT_CHAIN_STATES = ['booked', 'confirmed', 'superseded', 'released'] as const;
export type SlotChainState = (typeof SLOT_CHAIN_STATES)[number];

/**
 * A batch's slot chain: planned dates (local days at each site) and the rows that hold the capacity.
 * A re-plan supersedes the row and books a new one, so the history of every chain stays readable.
 */
export const slotChains = pgTable('slot_chains', {
  id: uuid('id').primaryKey().defaultRandom(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  /** 1 for the chain booked at enrolment, +1 per re-plan. */
  version: integer('version').notNull(),
  facilityId: text('facility_id').notNull().references(() => sites.id),
  collectionDay: date('collection_day').notNull(),
  lineStartDay: date('line_start_day').notNull(),
  lineEndDay: date('line_end_day').notNull(),
  infusionDay: date('infusion_day').notNull(),
  collectionBookingId: uuid('collection_booking_id').references(() => collectionBookings.id),
  manufacturingSlotId: uuid('manufacturing_slot_id').references(() => manufacturingSlots.id),
  state: text('state', { enum: SLOT_CHAIN_STATES }).notNull().default('booked'),
  /** Why this chain exists: 'enrolment', 'waitlist', or the slip that re-planned it. */
  reason: text('reason').notNull(),
  createdAt: createdAt(),
}, (t) => [
  index('slot_chains_batch_idx').on(t.batchId, t.version),
  check('slot_chains_state_check', sql.raw(`state in (${SLOT_CHAIN_STATES.map((s) => `'${s}'`).join(', ')})`)),
]);
