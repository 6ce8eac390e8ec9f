import { getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import {
  batches,
  batchStageHistory,
  custodyEvents,
  equipment,
  equipmentDailyTelemetry,
  infusionBookings,
  landmarks,
  maintenanceEvents,
  manufacturingSlots,
  shipments,
  sites,
} from '../../db/schema/index.js';
import type { SimulationResult } from '../records.js';
import { batchRows } from './batch-rows.js';
import { landmarkRowsByBatch } from './landmark-rows.js';
import { capacityRows } from './capacity-rows.js';
import { copyRows } from './copy-rows.js';
import { assignLinesAndChairs } from './line-assignment.js';
import { networkRows, telemetryRows, twinSites, type SiteFacts } from './network-rows.js';
import { simulatedIds } from './simulated-ids.js';

/** Batches per chunk: large enough for COPY to stream, small enough to keep memory flat. */
const CHUNK_BATCHES = 2_500;
/** Maintenance and telemetry rows per chunk. */
const CHUNK_ROWS = 100_000;

/** Rows of one table, ready to COPY on a client (into whatever table that name resolves to there). */
export interface TableRows {
  table: string;
  rows: number;
  copy(client: pg.PoolClient): Promise<number>;
}

const part = <T extends PgTable>(table: T, rows: T['$inferInsert'][]): TableRows => ({
  table: getTableName(table),
  rows: rows.length,
  copy: (client) => copyRows(client, table, rows),
});

/** A run's rows: the network, then two sequences of chunks that depend on it and not on each other. */
export interface HistoryParts {
  network: TableRows[];
  /** The batches a chunk at a time, and the equipment's maintenance and telemetry. */
  streams: [Iterable<TableRows[]>, Iterable<TableRows[]>];
}

/**
 * A simulation run as the rows the real system would hold, parents before children, in chunks
 * (one transaction each when written). Lines and chairs are given out over the whole run first;
 * a chunk's rows are built only when it is reached, so memory holds one chunk at a time.
 */
export function historyParts(result: SimulationResult, facts?: (twinSiteId: string) => SiteFacts): HistoryParts {
  const ids = simulatedIds(result.seed);
  const capacity = result.batches.map((sim) => capacityRows(sim, ids));
  const declared = new Map([...twinSites(result).keys()].map((id) => [ids.site(id), facts?.(id) ?? {}]));
  const used = assignLinesAndChairs(capacity, (siteId) => ({ lines: declared.get(siteId)?.manufacturingLines ?? 0, chairs: declared.get(siteId)?.infusionChairs ?? 0 }));
  const network = networkRows(result, ids, used, facts);
  // The queue at a landmark counts every batch of the run, so the landmarks are found over the whole run first.
  const landmarksOf = landmarkRowsByBatch(result, ids);
  function* batchChunks(): Generator<TableRows[]> {
    for (let from = 0; from < result.batches.length; from += CHUNK_BATCHES) {
      const rows = result.batches.slice(from, from + CHUNK_BATCHES).map((sim, i) => batchRows(sim, ids, capacity[from + i]!));
      const held = capacity.slice(from, from + CHUNK_BATCHES);
      yield [
        part(batches, rows.map((b) => b.batch)),
        part(batchStageHistory, rows.flatMap((b) => b.stages)),
        part(custodyEvents, rows.flatMap((b) => b.custody)),
        part(shipments, rows.flatMap((b) => b.shipments)),
        part(manufacturingSlots, held.flatMap((c) => c.slots)),
        part(infusionBookings, held.flatMap((c) => c.bookings)),
        part(landmarks, result.batches.slice(from, from + CHUNK_BATCHES).flatMap((sim) => landmarksOf(sim))),
      ];
    }
  }
  function* equipmentChunks(): Generator<TableRows[]> {
    for (let from = 0; from < Math.max(network.maintenance.length, result.telemetry.length); from += CHUNK_ROWS) {
      yield [
        part(maintenanceEvents, network.maintenance.slice(from, from + CHUNK_ROWS)),
        part(equipmentDailyTelemetry, telemetryRows(result.telemetry.slice(from, from + CHUNK_ROWS), ids)),
      ];
    }
  }
  return { network: [part(sites, network.sites), part(equipment, network.equipment)], streams: [batchChunks(), equipmentChunks()] };
}
