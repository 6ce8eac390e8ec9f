import { ApplicationFailure } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import { ERR } from '../src/domain/errors.js';
import { batches } from '../src/db/schema/index.js';
import { uncurableSqlState } from '../src/db/sql-state.js';
import type { Tx } from './deps.js';

/**
 * Failures a retry cannot fix are nonRetryable, so the workflow learns at once instead of
 * retrying forever; everything else (a lost connection, a deadlock) stays retryable.
 */
export const slotTaken = (message: string) => ApplicationFailure.create({ type: ERR.SLOT_TAKEN, nonRetryable: true, message });
export const invalidInput = (message: string) => ApplicationFailure.create({ type: ERR.VALIDATION, nonRetryable: true, message });

/**
 * The activities with every error PostgreSQL will raise again on a retry (a data exception, a CHECK)
 * turned into a nonRetryable ERR_UNPROCESSABLE: the workflow then records a deviation and moves on,
 * instead of retrying forever while every later command on the batch waits behind it. The message
 * names the activity and the SQLSTATE only; the refused value stays out of workflow history.
 */
export function failUncurableAtOnce<A extends object>(activities: A): A {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        const code = uncurableSqlState(err);
        if (code === undefined) throw err;
        throw ApplicationFailure.create({
          type: ERR.UNPROCESSABLE,
          nonRetryable: true,
          message: `${name}: PostgreSQL refused the data for good (SQLSTATE ${code}); retrying cannot help.`,
          details: [{ sqlState: code }],
        });
      }
    };
  }
  return wrapped as A;
}

/**
 * Locks the batch row for the rest of the transaction. Everything that writes on behalf of one
 * batch takes this lock first, so a retry racing its own earlier attempt waits for it and then
 * sees its write instead of doubling it.
 */
export async function lockBatch(tx: Tx, batchId: string): Promise<void> {
  const [row] = await tx.select({ id: batches.id }).from(batches).where(eq(batches.id, batchId)).for('update');
  if (!row) throw invalidInput(`Batch ${batchId} does not exist.`);
}

/** A batch's clock: every profile duration is divided by it, so it must be a positive number. */
export function requireTimeScale(timeScale: number): void {
  if (!(timeScale > 0 && Number.isFinite(timeScale))) throw invalidInput(`timeScale must be a positive number, got ${timeScale}.`);
}

export function parseInstant(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidInput(`${field} is not a date: "${value}".`);
  return date;
}
