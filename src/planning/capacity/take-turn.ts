import { sql } from 'drizzle-orm';
import type { Tx } from './db.js';

/** A site's units that bookings compete for. */
type UnitPool = 'chairs' | 'lines';

/**
 * Holds, until the transaction ends, the right to book one site's chairs or lines. Without it,
 * bookings racing for one day walk the units in the same order, each insert waiting on another's
 * uncommitted row; under load they deadlock on the exclusion constraint (a second each for
 * PostgreSQL to notice) and hold their connections meanwhile: the workflow bench's 100 batches in
 * flight stalled for minutes that way (236 deadlocks). A booking is a few statements, so taking
 * turns costs milliseconds. The constraints still decide: a unit written by anything that does not
 * take turns (history mode) is refused as before.
 */
export async function takeTurnAt(tx: Tx, pool: UnitPool, siteId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${pool}:${siteId}`}, 0))`);
}
