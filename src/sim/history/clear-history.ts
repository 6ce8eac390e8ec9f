import type pg from 'pg';

/**
 * Deletes every row a simulated history of this seed wrote, children before parents. Custody
 * records go too: the append-only trigger lets a simulated batch's records be deleted and no
 * other (drizzle/0007). Rows other processes hung on simulated batches (forecasts, alerts) go with
 * them, so the batches can. Runs in the caller's transaction; returns the batches removed.
 */
export async function clearHistory(client: pg.PoolClient, seed: number): Promise<number> {
  const ofBatches = 'batch_id in (select id from batches where simulation_seed = $1)';
  const ofEquipment = 'equipment_id in (select id from equipment where simulation_seed = $1)';
  for (const table of ['custody_events', 'batch_stage_history', 'shipments', 'manufacturing_slots', 'infusion_bookings', 'forecasts', 'alerts']) {
    await client.query(`delete from ${table} where ${ofBatches}`, [seed]);
  }
  const { rowCount } = await client.query('delete from batches where simulation_seed = $1', [seed]);
  for (const table of ['equipment_daily_telemetry', 'maintenance_events']) {
    await client.query(`delete from ${table} where ${ofEquipment}`, [seed]);
  }
  await client.query('delete from equipment where simulation_seed = $1', [seed]);
  await client.query('delete from sites where simulation_seed = $1', [seed]);
  return rowCount ?? 0;
}
