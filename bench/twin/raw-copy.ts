import type pg from 'pg';
import { historyChunks } from '../../src/sim/history/history-chunks.js';
import type { SiteFacts } from '../../src/sim/history/network-rows.js';
import type { SimulationResult } from '../../src/sim/records.js';

/**
 * The floor under history mode: the same rows, built the same way, COPYed into bare tables (the
 * same columns, no keys, indexes, foreign keys, constraints or triggers). Temporary tables of the
 * real names shadow the real ones in this session (pg_temp is searched first), so the writer's own
 * COPY lands there; they vanish with the session.
 */
export async function rawCopy(pool: pg.Pool, result: SimulationResult, facts: (twinSiteId: string) => SiteFacts): Promise<void> {
  const client = await pool.connect();
  const shadowed = new Set<string>();
  try {
    for (const chunk of historyChunks(result, facts)) {
      for (const part of chunk) {
        if (!shadowed.has(part.table)) {
          await client.query(`create temporary table "${part.table}" (like public."${part.table}" including defaults including generated)`);
          shadowed.add(part.table);
        }
        await part.copy(client);
      }
    }
  } finally {
    for (const table of shadowed) await client.query(`drop table if exists pg_temp."${table}"`).catch(() => undefined);
    client.release();
  }
}
