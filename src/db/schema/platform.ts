import { bigint, bigserial, check, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { at, createdAt } from './columns.js';

/**
 * Kafka offsets stored with the rows they produced, in one transaction: the source of truth
 * for where a consumer resumes, so that a crash can neither lose nor double a reading.
 */
export const consumerOffsets = pgTable('consumer_offsets', {
  groupId: text('group_id').notNull(),
  topic: text('topic').notNull(),
  partition: integer('partition').notNull(),
  nextOffset: bigint('next_offset', { mode: 'bigint' }).notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.groupId, t.topic, t.partition] })]);

/** Transactional outbox: events written with the state change, published afterwards. */
export const outbox = pgTable('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: text('event_id').notNull().unique(),
  topic: text('topic').notNull(),
  key: text('key').notNull(),
  payload: jsonb('payload').notNull(),
  createdAt: createdAt(),
  publishedAt: at('published_at'),
}, (t) => [index('outbox_unpublished_idx').on(t.id).where(sql`published_at is null`)]);

/** The workflows a queued signal can be for: a batch's, or an equipment unit's (started by its first signal). */
export const SIGNALLED_WORKFLOW_KINDS = ['batch', 'equipment'] as const;
export type SignalledWorkflowKind = (typeof SIGNALLED_WORKFLOW_KINDS)[number];

/**
 * Workflow signals waiting to be sent (a transactional outbox towards Temporal). `change_id` makes
 * each excursion change one row however often the engine re-derives it; the signaller may send a row
 * twice after a crash, and the workflows ignore a change they have already seen. The workflow's kind
 * (and an equipment workflow's unit, needed to start it) are stored, never parsed back out of the id.
 */
export const workflowSignals = pgTable('workflow_signals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  changeId: text('change_id').notNull().unique(),
  workflowId: text('workflow_id').notNull(),
  workflowKind: text('workflow_kind', { enum: SIGNALLED_WORKFLOW_KINDS }).notNull(),
  /** The unit whose equipment workflow this is for; null for a batch's workflow. */
  equipmentId: text('equipment_id'),
  signal: text('signal').notNull(),
  payload: jsonb('payload').notNull(),
  createdAt: createdAt(),
  sentAt: at('sent_at'),
  /** `delivered`, or `not_running` when the workflow had already ended (nothing to tell). */
  outcome: text('outcome'),
}, (t) => [
  // Each workflow kind is drained as a lane of its own (src/ingest/signaller.ts): its due rows in id order.
  index('workflow_signals_unsent_idx').on(t.workflowKind, t.id).where(sql`sent_at is null`),
  check('workflow_signals_kind_check', sql.raw(`workflow_kind in (${SIGNALLED_WORKFLOW_KINDS.map((k) => `'${k}'`).join(', ')})`)),
  check('workflow_signals_equipment_id_check', sql`(workflow_kind = 'equipment') = (equipment_id is not null)`),
]);
