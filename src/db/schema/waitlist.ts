import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, index, integer, jsonb, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { URGENCY_TIERS } from '../../domain/planning/policy.js';
import { at, createdAt } from './columns.js';
import { batches } from './batches.js';
import { slotChains } from './capacity.js';
import { productProfiles, sites } from './reference.js';

/**
 * The waitlist (issue 18 item 3): who waits for a slot chain, under which allocation policy, with
 * which signed urgency, and every allocation as an append-only record. Triggers in the migration
 * keep a policy's content and the signed and allocation rows as they were written.
 */

/**
 * One version of an allocation policy (src/domain/planning/policy.ts), validated before it lands.
 * A new version is a new row; only `active` ever changes, and a partial unique index lets at most
 * one row be active, so two activations racing cannot leave two policies in force.
 */
export const allocationPolicies = pgTable('allocation_policies', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The policy's own id and version, as inside `policy`: columns so they can be unique and searched. */
  policyId: text('policy_id').notNull(),
  version: integer('version').notNull(),
  policy: jsonb('policy').notNull(),
  active: boolean('active').notNull().default(false),
  /** The authenticated caller's subject, or `migration` for the built-in policies. */
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
  activatedAt: at('activated_at'),
}, (t) => [
  unique('allocation_policies_policy_version_uq').on(t.policyId, t.version),
  uniqueIndex('allocation_policies_one_active').on(t.active).where(sql`active`),
  check('allocation_policies_version_check', sql`version > 0`),
]);

/**
 * The treating physician's urgency tier for a batch, signed (Part 11): append-only, the latest row
 * is in force. The justification stays here, readable only by the API's clinical readers; the
 * custody record that links the signature into the batch's hash chain carries its hash.
 */
export const urgencyAssessments = pgTable('urgency_assessments', {
  id: uuid('id').primaryKey().defaultRandom(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  tier: text('tier', { enum: URGENCY_TIERS }).notNull(),
  justification: text('justification').notNull(),
  /** The signer's user id (the token's subject, checked against the users table). */
  signerSubject: text('signer_subject').notNull(),
  signerName: text('signer_name').notNull(),
  signerRole: text('signer_role').notNull(),
  /** The meaning of the signature (§11.50). */
  meaning: text('meaning').notNull(),
  signedAt: at('signed_at').notNull(),
  /** SHA-256 of the signed content (src/planning/waitlist/urgency-signature.ts). */
  signatureHash: text('signature_hash').notNull(),
  /** The seq of the custody record that carries the signature into the batch's chain. */
  custodySeq: integer('custody_seq').notNull(),
}, (t) => [
  index('urgency_assessments_batch_idx').on(t.batchId, t.signedAt),
  check('urgency_assessments_tier_check', sql.raw(`tier in (${URGENCY_TIERS.map((x) => `'${x}'`).join(', ')})`)),
]);

export const WAITLIST_STATES = ['waiting', 'allocated', 'withdrawn'] as const;
export type WaitlistState = (typeof WAITLIST_STATES)[number];

/** A batch enrolled without a chain: it waits here until the allocator books it one. */
export const waitlistEntries = pgTable('waitlist_entries', {
  batchId: uuid('batch_id').primaryKey().references(() => batches.id),
  treatmentCenterId: text('treatment_center_id').notNull().references(() => sites.id),
  apheresisCenterId: text('apheresis_center_id').notNull().references(() => sites.id),
  productId: text('product_id').notNull().references(() => productProfiles.id),
  enrolledAt: at('enrolled_at').notNull(),
  /** The first local day the patient can be collected (a washout, a slipped collection); null: any day. */
  earliestCollectionDay: date('earliest_collection_day'),
  state: text('state', { enum: WAITLIST_STATES }).notNull().default('waiting'),
  allocatedAt: at('allocated_at'),
}, (t) => [
  index('waitlist_entries_waiting_idx').on(t.enrolledAt).where(sql`state = 'waiting'`),
  check('waitlist_entries_state_check', sql.raw(`state in (${WAITLIST_STATES.map((s) => `'${s}'`).join(', ')})`)),
]);

/**
 * Every allocation of freed capacity: who got it, who was passed over and why, under which policy.
 * Unique per (batch, chain version), so an allocator run twice, or two at once, allocates nothing twice.
 */
export const waitlistAllocations = pgTable('waitlist_allocations', {
  id: uuid('id').primaryKey().defaultRandom(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  chainVersion: integer('chain_version').notNull(),
  slotChainId: uuid('slot_chain_id').references(() => slotChains.id),
  policyRowId: uuid('policy_row_id').notNull().references(() => allocationPolicies.id),
  policyId: text('policy_id').notNull(),
  policyVersion: integer('policy_version').notNull(),
  /** The winner's position in the ranked list (1 = first) and its weight. */
  position: integer('position').notNull(),
  weight: doublePrecision('weight').notNull(),
  /** The rule that ordered the winner where it stood (first-come, urgency, ageing, fair-share). */
  rule: text('rule').notNull(),
  /** The chain: { facilityId, collectionDay, lineStartDay, lineEndDay, infusionDay } as local days. */
  chain: jsonb('chain').notNull(),
  /** [{ batchId, position, weight, why }]: those ranked ahead that could not use it, and those behind. */
  passedOver: jsonb('passed_over').notNull(),
  /** What freed the capacity (a cancellation, a slip, a line back from maintenance). */
  reason: text('reason').notNull(),
  allocatedAt: at('allocated_at').notNull(),
}, (t) => [
  unique('waitlist_allocations_chain_uq').on(t.batchId, t.chainVersion),
  index('waitlist_allocations_at_idx').on(t.allocatedAt),
]);
