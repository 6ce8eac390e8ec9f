import type pg from 'pg';
import { historyParts } from '../../src/sim/history/history-chunks.js';
import { HISTORY_TABLES } from '../../src/sim/history/history-tables.js';
import type { SiteFacts } from '../../src/sim/history/network-rows.js';
import type { SimulationResult } from '../../src/sim/records.js';

/**
 * The floor under history mode: the same rows, built the same way and on as many connections,
 * COPYed into bare tables (the same columns, no keys, indexes, foreign keys, constraints or
 * triggers) of a scratch schema put first on the sessions' search path, so the writer's own COPY
 * lands there. Ordinary tables, not temporary ones: those live in a few MiB of session-local
 * buffers and would measure that instead.
 */
export async function rawCopy(pool: pg.Pool, result: SimulationResult, facts: (twinSiteId: string) => SiteFacts): Promise<void> {
  const schema = `v2v_bench_raw_${process.pid}`;
  await pool.query(`create schema ${schema}`);
  try {
    for (const { name } of HISTORY_TABLES) await pool.query(`create table ${schema}."${name}" (like public."${name}" including defaults including generated)`);
    const { network, streams } = historyParts(result, facts);
    await Promise.all(
      [[network], ...streams].map(async (chunks) => {
        const client = await pool.connect();
        try {
          await client.query(`set search_path = ${schema}, public`);
          for (const chunk of chunks) for (const part of chunk) await part.copy(client);
        } finally {
          await client.query('reset search_path').catch(() => undefined);
          client.release();
        }
      }),
    );
  } finally {
    await pool.query(`drop schema if exists ${schema} cascade`);
  }
}
