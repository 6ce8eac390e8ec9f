import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
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

/**
 * Workflow signals waiting to be sent (a transactional outbox towards Temporal). `change_id` makes
 * each excursion change one row however often the engine re-derives it; the signaller may send a row
 * twice after a crash, and the workflows ignore a change they have already seen.
 */
export const workflowSignals = pgTable('workflow_signals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  changeId: text('change_id').notNull().unique(),
  workflowId: text('workflow_id').notNull(),
  signal: text('signal').notNull(),
  payload: jsonb('payload').notNull(),
  createdAt: createdAt(),
  sentAt: at('sent_at'),
  /** `delivered`, or `not_running` when the workflow had already ended (nothing to tell). */
  outcome: text('outcome'),
}, (t) => [index('workflow_signals_unsent_idx').on(t.id).where(sql`sent_at is null`)]);
