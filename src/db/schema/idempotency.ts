import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt } from './columns.js';
import { batches } from './batches.js';

/**
 * Every `Idempotency-Key` a caller has sent, bound to that caller, the command (method and route
 * template), the batch it addressed and a hash of the body: a retry matches all four and gets the
 * first answer; anything else reusing the key is refused. The key is global, so another caller
 * cannot take over (or read the answer of) a key someone else used.
 */
export const idempotencyKeys = pgTable('idempotency_keys', {
  key: text('key').primaryKey(),
  subject: text('subject').notNull(),
  command: text('command').notNull(),
  /** The batch the command addressed; for an enrolment, the batch it created. */
  batchId: uuid('batch_id').references(() => batches.id, { onDelete: 'cascade' }),
  requestHash: text('request_hash').notNull(),
  createdAt: createdAt(),
}, (t) => [
  // The reconciler deletes keys past their retention (V2V_IDEMPOTENCY_KEY_HOURS), oldest first.
  index('idempotency_keys_created_idx').on(t.createdAt),
]);

/**
 * Enrolments whose row exists but whose workflow is not known to have started: written in the
 * batch row's own transaction, removed once the start is confirmed. The reconciler (and a retry of
 * the same Idempotency-Key) starts what is left, with the input stored here and the deterministic
 * workflow id `batch:{batchId}`, so whatever failed between the row and the workflow, the outcome
 * is one batch with one workflow.
 */
export const pendingEnrolments = pgTable('pending_enrolments', {
  batchId: uuid('batch_id').primaryKey().references(() => batches.id, { onDelete: 'cascade' }),
  /** The workflow's BatchInput as it was at enrolment (the profile included). */
  input: jsonb('input').notNull(),
  createdAt: createdAt(),
  /** Failed starts so far: past V2V_ENROL_START_ATTEMPTS the reconciler gives the enrolment up. */
  startAttempts: integer('start_attempts').notNull().default(0),
  lastAttemptAt: at('last_attempt_at'),
  lastError: text('last_error'),
}, (t) => [index('pending_enrolments_created_idx').on(t.createdAt)]);
