import { check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { COMMAND_TEXT_KINDS } from '../../domain/command-text.js';
import { createdAt } from './columns.js';
import { batches } from './batches.js';

/**
 * Free text a command carries (a cancellation's reason, a milestone's partner data), kept here by
 * the API so that the workflow, its history and the custody chain carry only a reference: the row's
 * id and the SHA-256 of `body`, which commits the chain to the text. Append-only for the processes
 * (drizzle/0026). The id is derived from the batch, the kind and the hash, so a retried command
 * writes nothing twice and hands the workflow the same reference.
 */
export const commandTexts = pgTable('command_texts', {
  id: uuid('id').primaryKey(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  kind: text('kind', { enum: COMMAND_TEXT_KINDS }).notNull(),
  /** Exactly the bytes hashed: the reason as sent, or the data as JSON text (jsonb would reorder its keys). */
  body: text('body').notNull(),
  sha256: text('sha256').notNull(),
  /** The token's subject of the first caller that sent it. */
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
}, (t) => [
  index('command_texts_batch_idx').on(t.batchId),
  check('command_texts_kind_check', sql.raw(`kind in (${COMMAND_TEXT_KINDS.map((x) => `'${x}'`).join(', ')})`)),
  check('command_texts_sha256_check', sql`sha256 ~ '^[0-9a-f]{64}$'`),
]);
