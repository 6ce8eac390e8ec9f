import { isDeadlock } from '../../db/sql-state.js';
import type { Tx } from './db.js';

/** How often a unit is asked again after a deadlock, before it counts as taken. */
const DEADLOCK_TRIES = 3;

/**
 * Inserts one unit (a collection slot, a line) in a savepoint, so a refusal does not abort the
 * caller's transaction. `taken` recognises the constraint that says someone holds it: undefined is
 * returned and the caller tries the next unit. The loser of a simultaneous insert may be aborted as
 * a deadlock instead: it asks again, now behind the winner, which then refuses it cleanly.
 */
export async function tryUnit<T>(tx: Tx, insert: (sp: Tx) => Promise<T>, taken: (err: unknown) => boolean): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tx.transaction(insert);
    } catch (err) {
      if (isDeadlock(err) && attempt < DEADLOCK_TRIES) continue;
      if (taken(err) || isDeadlock(err)) return undefined;
      throw err;
    }
  }
}
