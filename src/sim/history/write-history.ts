import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { isEnded } from '../../domain/batch/index.js';
import {
  batches,
  batchStageHistory,
  custodyEvents,
  equipment,
  equipmentDailyTelemetry,
  infusionBookings,
  maintenanceEvents,
  manufacturingSlots,
  productProfiles,
  shipments,
  sites,
} from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { SimulationResult } from '../records.js';
import { batchRows } from './batch-rows.js';
import { capacityRows } from './capacity-rows.js';
import { clearHistory } from './clear-history.js';
import { copyRows } from './copy-rows.js';
import { assignLinesAndChairs } from './line-assignment.js';
import { networkRows, type SiteFacts } from './network-rows.js';
import { simulatedIds } from './simulated-ids.js';

/** Batches per transaction: large enough for COPY to stream, small enough to keep memory flat. */
const CHUNK_BATCHES = 2_500;
/** Maintenance and telemetry rows per transaction. */
const CHUNK_ROWS = 100_000;

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
 * (clear-then-write): the rows are the same, so the checksum is too (`historyChecksum`). One
 * transaction clears and writes the network, then one per chunk of batches; an advisory lock
 * keeps two writers of the same seed apart. A crash midway leaves part of a history, which the
 * next run of the seed replaces.
 */
export async function writeHistory(pool: pg.Pool, result: SimulationResult, facts?: (twinSiteId: string) => SiteFacts): Promise<HistoryWritten> {
  const started = performance.now();
  const ids = simulatedIds(result.seed);
  const capacity = result.batches.map((sim) => capacityRows(sim, ids));
  const network = networkRows(result, ids, assignLinesAndChairs(capacity), facts);
  const rows: Record<string, number> = {};
  const count = (table: string, n: number) => void (rows[table] = (rows[table] ?? 0) + n);

  const lock = await pool.connect();
  try {
    await lock.query('select pg_advisory_lock(hashtextextended($1, 0))', [`v2v-simulate-history:${result.seed}`]);
    const replaced = await inTransaction(pool, async (client) => {
      const removed = await clearHistory(client, result.seed);
      await ensureProducts(client, result);
      count('sites', await copyRows(client, sites, network.sites));
      count('equipment', await copyRows(client, equipment, network.equipment));
      return removed;
    });
    for (let from = 0; from < result.batches.length; from += CHUNK_BATCHES) {
      const chunk = result.batches.slice(from, from + CHUNK_BATCHES).map((sim, i) => ({ ...batchRows(sim, ids, capacity[from + i]!), capacity: capacity[from + i]! }));
      await inTransaction(pool, async (client) => {
        count('batches', await copyRows(client, batches, chunk.map((b) => b.batch)));
        count('batch_stage_history', await copyRows(client, batchStageHistory, chunk.flatMap((b) => b.stages)));
        count('custody_events', await copyRows(client, custodyEvents, chunk.flatMap((b) => b.custody)));
        count('shipments', await copyRows(client, shipments, chunk.flatMap((b) => b.shipments)));
        count('manufacturing_slots', await copyRows(client, manufacturingSlots, chunk.flatMap((b) => b.capacity.slots)));
        count('infusion_bookings', await copyRows(client, infusionBookings, chunk.flatMap((b) => b.capacity.bookings)));
      });
    }
    for (let from = 0; from < Math.max(network.maintenance.length, network.telemetry.length); from += CHUNK_ROWS) {
      await inTransaction(pool, async (client) => {
        count('maintenance_events', await copyRows(client, maintenanceEvents, network.maintenance.slice(from, from + CHUNK_ROWS)));
        count('equipment_daily_telemetry', await copyRows(client, equipmentDailyTelemetry, network.telemetry.slice(from, from + CHUNK_ROWS)));
      });
    }
    const finished = result.batches.filter((b) => isEnded(b.final)).length;
    return {
      seed: result.seed,
      batches: { finished, inFlight: result.batches.length - finished },
      rows,
      replaced,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await lock.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`v2v-simulate-history:${result.seed}`]).catch(() => undefined);
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
