import type pg from 'pg';
import { getTableName } from 'drizzle-orm';
import { custodyEvents } from '../../db/schema/index.js';
import { HANGERS_ON, HISTORY_TABLES } from './history-tables.js';

const CUSTODY_EVENTS = getTableName(custodyEvents);

/**
 * Deletes every row a simulated history of this seed wrote, children before parents, and what
 * other processes hung on its batches. Custody records go too, through the one function that may
 * delete them (the processes have no DELETE on custody_events, and the append-only trigger lets a
 * simulated batch's records go and no other: drizzle/0007, 0017). Runs in the caller's
 * transaction; returns the batches removed.
 */
export async function clearHistory(client: pg.PoolClient, seed: number): Promise<number> {
  let removed = 0;
  for (const { name, seedRows } of [...HANGERS_ON, ...[...HISTORY_TABLES].reverse()]) {
    if (name === CUSTODY_EVENTS) {
      await client.query('select v2v_clear_simulated_custody($1)', [seed]);
      continue;
    }
    const { rowCount } = await client.query(`delete from ${name} where ${seedRows}`, [seed]);
    if (name === 'batches') removed = rowCount ?? 0;
  }
  return removed;
}
