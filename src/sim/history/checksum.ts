import type pg from 'pg';
import { inTransaction } from '../../db/transaction.js';
import { HISTORY_TABLES } from './history-tables.js';

/** Sequence-made ids depend on what else the database holds, not on the history. */
const NOT_HISTORY = ['id'];

export interface HistoryChecksum {
  /** md5 of the per-table digests: equal for equal histories. */
  md5: string;
  tables: Record<string, { rows: number; md5: string }>;
}

/**
 * A digest of everything a seed's history holds: per table, the md5 of its rows as sorted JSON
 * text (without sequence ids; every other column, times included, follows from the seed). Two
 * writes of the same seed give the same checksum, whatever else the database holds.
 */
export async function historyChecksum(pool: pg.Pool, seed: number): Promise<HistoryChecksum> {
  return inTransaction(pool, async (client) => {
    // Times render in the session's zone: fix it, so the digest does not depend on the server's.
    await client.query(`set local timezone = 'UTC'`);
    const tables: HistoryChecksum['tables'] = {};
    for (const { name, seedRows } of HISTORY_TABLES) {
      const { rows } = await client.query<{ rows: number; md5: string }>(
        `select count(*)::int as rows, md5(coalesce(string_agg(r, E'\\n' order by r), '')) as md5
         from (select (to_jsonb(t) - $2::text[])::text as r from ${name} t where ${seedRows}) x`,
        [seed, NOT_HISTORY],
      );
      tables[name] = rows[0]!;
    }
    const { rows } = await client.query<{ md5: string }>('select md5($1) as md5', [Object.entries(tables).map(([t, d]) => `${t}:${d.rows}:${d.md5}`).join('\n')]);
    return { md5: rows[0]!.md5, tables };
  });
}
