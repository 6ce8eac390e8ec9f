import type { SiteKind } from '../../domain/stages.js';
import type { equipment, equipmentDailyTelemetry, maintenanceEvents, sites } from '../../db/schema/index.js';
import type { DailyTelemetrySummary } from '../../domain/equipment.js';
import type { SimulationResult } from '../records.js';
import type { CapacityUsed } from './line-assignment.js';
import type { SimulatedIds } from './simulated-ids.js';

export interface NetworkRows {
  sites: (typeof sites.$inferInsert)[];
  equipment: (typeof equipment.$inferInsert)[];
  maintenance: (typeof maintenanceEvents.$inferInsert)[];
}

/** What the scenario says of a site, where the writer is given the scenario. */
export interface SiteFacts {
  kind?: SiteKind;
  name?: string;
  timezone?: string;
  infusionChairs?: number;
  manufacturingLines?: number;
}

/**
 * The simulated network: every site a batch or a unit names, under the seed's own ids, with at
 * least the lines and chairs its rows needed (a site's real capacity says how many exist; the
 * history must not hold more at once); its equipment and their maintenance.
 */
export function networkRows(result: SimulationResult, ids: SimulatedIds, used: CapacityUsed, facts: (twinSiteId: string) => SiteFacts = () => ({})): NetworkRows {
  const siteRows = [...twinSites(result)].map(([twinId, inferred]) => {
    const id = ids.site(twinId);
    const f = facts(twinId);
    const kind = f.kind ?? inferred;
    const need = used.get(id) ?? { lines: 0, chairs: 0 };
    return {
      id,
      kind,
      name: f.name ?? `Simulated ${twinId}`,
      timezone: f.timezone ?? 'UTC',
      infusionChairs: Math.max(f.infusionChairs ?? 0, need.chairs, kind === 'treatment_center' ? 1 : 0),
      manufacturingLines: Math.max(f.manufacturingLines ?? 0, need.lines, kind === 'manufacturing_facility' ? 1 : 0),
      simulationSeed: ids.seed,
      createdAt: new Date(result.startAt),
    };
  });

  const last = new Map<string, { at: number; kind: string }>();
  for (const m of result.maintenance) {
    const at = Date.parse(m.at);
    if (at >= (last.get(m.equipmentId)?.at ?? -Infinity)) last.set(m.equipmentId, { at, kind: m.kind });
  }
  const seen = new Set<string>();
  return {
    sites: siteRows,
    equipment: result.equipment.map((unit) => ({
      id: ids.equipment(unit.id),
      siteId: ids.site(unit.siteId),
      kind: unit.kind,
      // A unit whose last record is a failure is still being repaired when the history ends.
      maintenanceState: last.get(unit.id)?.kind === 'failure' ? 'maintenance' : 'in_service',
      installedAt: new Date(unit.installedAt),
      simulationSeed: ids.seed,
      createdAt: new Date(unit.installedAt),
    })),
    // Unique per (unit, kind, instant), as a retried write would find it.
    maintenance: result.maintenance
      .filter((m) => !seen.has(`${m.equipmentId}|${m.kind}|${m.at}`) && seen.add(`${m.equipmentId}|${m.kind}|${m.at}`))
      .map((m) => ({
        equipmentId: ids.equipment(m.equipmentId), kind: m.kind, at: new Date(m.at), downtimeHours: m.downtimeHours ?? null, createdAt: new Date(m.at),
      })),
  };
}

/** Daily telemetry rows, made a slice at a time: a run of years holds about a million. */
export const telemetryRows = (summaries: readonly DailyTelemetrySummary[], ids: SimulatedIds): (typeof equipmentDailyTelemetry.$inferInsert)[] =>
  summaries.map((t) => ({
    equipmentId: ids.equipment(t.equipmentId), day: t.day, metric: t.metric,
    n: t.n, mean: t.mean, min: t.min, max: t.max, stddev: t.stddev, minutesOutOfRange: t.minutesOutOfRange,
  }));

/** Every site a batch or a unit names (by the twin's id), and its kind as the batches use it. */
export function twinSites(result: SimulationResult): Map<string, SiteKind> {
  const kinds = new Map<string, SiteKind>();
  for (const { input } of result.batches) {
    kinds.set(input.apheresisCenterId, 'apheresis_center');
    kinds.set(input.facilityId, 'manufacturing_facility');
    kinds.set(input.treatmentCenterId, 'treatment_center');
  }
  // Equipment stands in facilities, unless the scenario or a batch says otherwise.
  for (const unit of result.equipment) if (!kinds.has(unit.siteId)) kinds.set(unit.siteId, 'manufacturing_facility');
  return kinds;
}
