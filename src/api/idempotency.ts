import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema/index.js';
import type { Database } from '../db/client.js';
import { ApiError } from './errors.js';

/**
 * An `Idempotency-Key` belongs to the caller who first sent it, the command it came with and the
 * batch that command addressed, and stands for that body: a retry that matches all of them gets
 * the first answer; any other use of the key is refused, naming what differs. Without this, a key
 * reused by someone else on the same batch would have been answered with the first caller's result
 * and its own command silently dropped.
 */
export const IDEMPOTENCY_ERR = {
  /** 409: the key came first from another caller, or with another body. */
  CONFLICT: 'ERR_IDEMPOTENCY_KEY_CONFLICT',
  /** 422: the key came first with another command or for another batch. */
  MISUSED: 'ERR_IDEMPOTENCY_KEY_MISUSED',
} as const;

export interface IdempotentCall {
  key: string;
  /** The caller's token subject. */
  subject: string;
  /** Method and route template, e.g. `POST /v1/batches/:id/handoffs`. */
  command: string;
  /** The addressed batch; null for an enrolment, which learns its batch when it stores it. */
  batchId: string | null;
  body: unknown;
}

/** Fields never part of the body's identity: a re-entered password may differ between tries. */
const UNHASHED = new Set(['signingPassword']);

/** SHA-256 of the body with its object keys sorted, so key order never makes two bodies differ. */
export function requestHash(body: unknown): string {
  const canonical = (value: unknown, top: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => canonical(v, false));
    if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>).filter(([k]) => !(top && UNHASHED.has(k)));
      return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v, false)]));
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(body ?? null, true))).digest('hex');
}

const keyIssue = (code: string, message: string) => [{ in: 'headers' as const, path: ['idempotency-key'], code, message }];

type KeyRow = typeof idempotencyKeys.$inferSelect;

/** Refuses `call` unless `stored` is the record of the same caller, command, batch and body. */
export function checkSameCall(stored: KeyRow, call: IdempotentCall): void {
  if (stored.subject !== call.subject) {
    const message = 'This Idempotency-Key was already used by another caller; choose a new key (a random UUID) for each command.';
    throw new ApiError(409, IDEMPOTENCY_ERR.CONFLICT, message, keyIssue('key_of_another_caller', message));
  }
  if (stored.command !== call.command || (call.batchId !== null && stored.batchId !== call.batchId)) {
    const message = `This Idempotency-Key was already used for ${stored.command}${stored.batchId ? ` on batch ${stored.batchId}` : ''}; a key stands for one command on one batch.`;
    throw new ApiError(422, IDEMPOTENCY_ERR.MISUSED, message, keyIssue('key_of_another_command', message));
  }
  if (stored.requestHash !== requestHash(call.body)) {
    const message = 'This Idempotency-Key was already used with a different body; a retry must repeat the first request exactly, a new request needs a new key.';
    throw new ApiError(409, IDEMPOTENCY_ERR.CONFLICT, message, keyIssue('key_of_another_body', message));
  }
}

export async function findKey(db: Pick<Database, 'select'>, key: string): Promise<KeyRow | undefined> {
  const [row] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).limit(1);
  return row;
}

/**
 * Binds the key of a command on an existing batch to its call, or checks a retry against the
 * first binding. Concurrent first uses race on the primary key; the loser reads the winner's row.
 */
export async function claimCommandKey(db: Database, call: IdempotentCall): Promise<void> {
  await db
    .insert(idempotencyKeys)
    .values({ key: call.key, subject: call.subject, command: call.command, batchId: call.batchId, requestHash: requestHash(call.body) })
    .onConflictDoNothing();
  const stored = await findKey(db, call.key);
  if (!stored) throw new Error(`idempotency key ${call.key} vanished after it was claimed`);
  checkSameCall(stored, call);
}
