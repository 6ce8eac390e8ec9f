import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { isEnded } from '../../domain/batch/index.js';
import { productProfiles } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { SimulationResult } from '../records.js';
import { clearHistory } from './clear-history.js';
import { historyParts, type TableRows } from './history-chunks.js';
import { HISTORY_TABLES } from './history-tables.js';
import type { SiteFacts } from './network-rows.js';

export interface HistoryWritten {
  seed: number;
  batches: { finished: number; inFlight: number };
  /** Rows written per table. */
  rows: Record<string, number>;
  /** Batches of an earlier history of the same seed, deleted first. */
  replaced: number;
  seconds: number;
}

/**
 * Writes one simulation run into PostgreSQL, in the tables and shapes the real system writes,
 * every row marked with the run's seed. Writing a seed again replaces that seed's history
 * (clear-then-write): the rows are the same, so the checksum is too (`historyChecksum`). The first
 * transaction clears the seed and writes the network, then one per chunk; an advisory lock keeps
 * two writers of the same seed apart. A crash midway leaves part of a history, which the next run
 * of the seed replaces. Takes three connections of the pool (the lock and two writers).
 */
export async function writeHistory(pool: pg.Pool, result: SimulationResult, facts?: (twinSiteId: string) => SiteFacts): Promise<HistoryWritten> {
  const started = performance.now();
  const rows: Record<string, number> = Object.fromEntries(HISTORY_TABLES.map((t) => [t.name, 0]));
  const lockKey = `v2v-simulate-history:${result.seed}`;
  const lock = await pool.connect();
  try {
    await lock.query('select pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    const { network, streams } = historyParts(result, facts);
    const copy = async (client: pg.PoolClient, parts: TableRows[]) => {
      for (const part of parts) rows[part.table]! += await part.copy(client);
    };
    const replaced = await inTransaction(pool, async (client) => {
      const removed = await clearHistory(client, result.seed);
      await ensureProducts(client, result);
      await copy(client, network);
      return removed;
    });
    // The batches and the equipment's telemetry on two connections: PostgreSQL takes one while this process builds the other.
    await Promise.all(streams.map(async (stream) => {
      for (const chunk of stream) await inTransaction(pool, (client) => copy(client, chunk));
    }));
    const finished = result.batches.filter((b) => isEnded(b.final)).length;
    return { seed: result.seed, batches: { finished, inFlight: result.batches.length - finished }, rows, replaced, seconds: (performance.now() - started) / 1000 };
  } finally {
    await lock.query('select pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).catch(() => undefined);
    lock.release();
  }
}

/** A scenario may simulate a product this database has not seeded: its profile is stored, as `v2v migrate` stores the built-in ones. */
async function ensureProducts(client: pg.PoolClient, result: SimulationResult): Promise<void> {
  const profiles = new Map(result.batches.map(({ input }) => [input.productId, input.profile]));
  if (profiles.size === 0) return;
  await drizzle(client)
    .insert(productProfiles)
    .values([...profiles].map(([id, profile]) => ({ id, name: profile.name, version: profile.version, profile })))
    .onConflictDoNothing();
}
