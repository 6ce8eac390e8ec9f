import { getTableName } from 'drizzle-orm';
import * as schema from '../../db/schema/index.js';

const BY_SEED = 'simulation_seed = $1';
const BY_BATCH = 'batch_id in (select id from batches where simulation_seed = $1)';
const BY_EQUIPMENT = 'equipment_id in (select id from equipment where simulation_seed = $1)';

/**
 * The tables a simulated history writes, parents before children, and which of their rows are a
 * seed's (`$1`): the one list the writer, the clearing and the checksum go by.
 */
export const HISTORY_TABLES: readonly { name: string; seedRows: string }[] = [
  { table: schema.sites, seedRows: BY_SEED },
  { table: schema.equipment, seedRows: BY_SEED },
  { table: schema.batches, seedRows: BY_SEED },
  { table: schema.batchStageHistory, seedRows: BY_BATCH },
  { table: schema.custodyEvents, seedRows: BY_BATCH },
  { table: schema.shipments, seedRows: BY_BATCH },
  { table: schema.manufacturingSlots, seedRows: BY_BATCH },
  { table: schema.infusionBookings, seedRows: BY_BATCH },
  { table: schema.landmarks, seedRows: BY_SEED },
  { table: schema.maintenanceEvents, seedRows: BY_EQUIPMENT },
  { table: schema.equipmentDailyTelemetry, seedRows: BY_EQUIPMENT },
].map(({ table, seedRows }) => ({ name: getTableName(table), seedRows }));

/** Rows other processes may hang on a simulated batch (a forecast, an alert): they go with it. */
export const HANGERS_ON: readonly { name: string; seedRows: string }[] = [
  { name: 'forecasts', seedRows: BY_BATCH },
  { name: 'alerts', seedRows: BY_BATCH },
];
