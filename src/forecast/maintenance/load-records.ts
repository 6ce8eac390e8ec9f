import { and, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { equipment, equipmentDailyTelemetry, maintenanceEvents, manufacturingSlots } from '../../db/schema/index.js';
import { DAY_MS } from '../../domain/durations.js';
import type { EquipmentKind } from '../../domain/equipment.js';
import { isoDay, type EquipmentRecords } from './unit-history.js';

export interface RecordsQuery {
  /** Real units, or the twin's (optionally one seed's). */
  source: 'simulated' | 'real';
  seed?: number;
  kind?: EquipmentKind;
  equipmentIds?: readonly string[];
  /** Only what was known before this instant (history end); by default everything stored. */
  until?: Date;
  /** Telemetry from this day on (serving needs only the last 30 days). */
  since?: Date;
}

export type StoredRecords = EquipmentRecords & { endAt: string };

/**
 * The equipment records the features are built from, read from PostgreSQL in the twin's shapes:
 * units, maintenance_events, equipment_daily_telemetry and, for a bioreactor with a line, the
 * manufacturing slots on that line (its runs). Simulated bioreactors have no line in the database,
 * so their runs are unknown here (0 runs since service); the in-memory twin knows them.
 */
export async function loadEquipmentRecords(db: Database, q: RecordsQuery): Promise<StoredRecords> {
  const unitFilters: SQL[] = [eq(equipment.simulated, q.source === 'simulated')];
  if (q.seed !== undefined) unitFilters.push(eq(equipment.simulationSeed, q.seed));
  if (q.kind) unitFilters.push(eq(equipment.kind, q.kind));
  if (q.equipmentIds) unitFilters.push(inArray(equipment.id, [...q.equipmentIds]));
  const units = await db.select().from(equipment).where(and(...unitFilters));
  const ids = units.map((u) => u.id);
  const { until } = q;
  if (ids.length === 0) return { equipment: [], maintenance: [], telemetry: [], runs: [], endAt: (until ?? new Date()).toISOString() };

  const telemetryFilters: SQL[] = [inArray(equipmentDailyTelemetry.equipmentId, ids)];
  const maintenanceFilters: SQL[] = [inArray(maintenanceEvents.equipmentId, ids)];
  const runFilters: SQL[] = [inArray(equipment.id, ids), eq(equipment.kind, 'bioreactor')];
  if (until) {
    // A day counts once it has ended before `until`.
    telemetryFilters.push(lt(equipmentDailyTelemetry.day, isoDay(Math.floor(until.getTime() / DAY_MS))));
    maintenanceFilters.push(lt(maintenanceEvents.at, until));
    runFilters.push(sql`lower(${manufacturingSlots.during}) < ${until.toISOString()}`);
  }
  if (q.since) telemetryFilters.push(gte(equipmentDailyTelemetry.day, isoDay(Math.floor(q.since.getTime() / DAY_MS))));
  const [maintenance, telemetry, runs] = await Promise.all([
    db.select().from(maintenanceEvents).where(and(...maintenanceFilters)),
    db.select().from(equipmentDailyTelemetry).where(and(...telemetryFilters)),
    db
      .select({ equipmentId: equipment.id, at: sql<string>`lower(${manufacturingSlots.during})` })
      .from(manufacturingSlots)
      .innerJoin(equipment, and(eq(equipment.siteId, manufacturingSlots.facilityId), eq(equipment.line, manufacturingSlots.line)))
      .where(and(...runFilters)),
  ]);

  // The history ends at `until`, or where the last day any unit reported begins: that day may be
  // partial (a history written mid-day, a real fleet's today), so it is not taken as whole.
  const lastDay = telemetry.reduce((max, t) => (t.day > max ? t.day : max), '');
  const dataEnd = lastDay ? Date.parse(`${lastDay}T00:00:00.000Z`) : (until ?? new Date()).getTime();
  return {
    equipment: units.map((u) => ({ id: u.id, siteId: u.siteId, kind: u.kind, installedAt: (u.installedAt ?? u.createdAt).toISOString() })),
    maintenance: maintenance.map((m) => ({ equipmentId: m.equipmentId, kind: m.kind, at: m.at.toISOString(), ...(m.downtimeHours === null ? {} : { downtimeHours: m.downtimeHours }) })),
    telemetry,
    runs: runs.map((r) => ({ equipmentId: r.equipmentId, at: new Date(r.at).toISOString() })),
    endAt: new Date(Math.min(until?.getTime() ?? Infinity, dataEnd)).toISOString(),
  };
}
