import type pg from 'pg';
import { HANGERS_ON, HISTORY_TABLES } from './history-tables.js';

/**
 * Deletes every row a simulated history of this seed wrote, children before parents, and what
 * other processes hung on its batches. Custody records go too: the append-only trigger lets a
 * simulated batch's records be deleted and no other (drizzle/0007). Runs in the caller's
 * transaction; returns the batches removed.
 */
export async function clearHistory(client: pg.PoolClient, seed: number): Promise<number> {
  let removed = 0;
  for (const { name, seedRows } of [...HANGERS_ON, ...[...HISTORY_TABLES].reverse()]) {
    const { rowCount } = await client.query(`delete from ${name} where ${seedRows}`, [seed]);
    if (name === 'batches') removed = rowCount ?? 0;
  }
  return removed;
}
