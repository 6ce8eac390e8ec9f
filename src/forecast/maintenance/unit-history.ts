import { DAY_MS } from '../../domain/durations.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import type { DailyTelemetrySummary, EquipmentUnit, MaintenanceRecord } from '../../domain/equipment.js';

/** What is known of one unit, indexed for the features: telemetry by day, maintenance and runs in time order. */
export interface UnitHistory {
  unit: EquipmentUnit;
  /** Epoch day (UTC days since 1970) → that day's summaries by metric. Down days are absent. */
  telemetry: Map<number, Map<string, DailyTelemetrySummary>>;
  /** Sorted by time, in ms. */
  maintenance: { kind: MaintenanceRecord['kind']; at: number; downtimeHours?: number }[];
  /** Starts of the manufacturing runs on this unit, in ms, sorted. */
  runs: number[];
}

/** What the histories are built from: a twin run (`SimulationResult`) or the same shapes read from the database. */
export interface EquipmentRecords {
  equipment: EquipmentUnit[];
  maintenance: MaintenanceRecord[];
  telemetry: DailyTelemetrySummary[];
  batches?: Pick<BatchJourneyRecord, 'events'>[];
  /** Runs known directly (read from the database: manufacturing slots on a bioreactor's line). */
  runs?: { equipmentId: string; at: string }[];
}

export const epochDay = (isoDay: string): number => Math.round(Date.parse(`${isoDay.slice(0, 10)}T00:00:00.000Z`) / DAY_MS);
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * A unit's telemetry replaced by summaries of windows on a compressed clock (a day of `dayMs`),
 * numbered from the epoch as its days are: the features then count that clock's days.
 */
export function withWindowTelemetry(history: UnitHistory, windows: readonly (Omit<DailyTelemetrySummary, 'day'> & { index: number })[]): UnitHistory {
  const telemetry: UnitHistory['telemetry'] = new Map();
  for (const { index, ...w } of windows) {
    let metrics = telemetry.get(index);
    if (!metrics) telemetry.set(index, (metrics = new Map()));
    metrics.set(w.metric, { ...w, day: String(index) });
  }
  return { ...history, telemetry };
}

export function unitHistories(records: EquipmentRecords): Map<string, UnitHistory> {
  const histories = new Map<string, UnitHistory>();
  for (const unit of records.equipment) histories.set(unit.id, { unit, telemetry: new Map(), maintenance: [], runs: [] });
  for (const t of records.telemetry) {
    const h = histories.get(t.equipmentId);
    if (!h) continue;
    const day = epochDay(t.day);
    let metrics = h.telemetry.get(day);
    if (!metrics) h.telemetry.set(day, (metrics = new Map()));
    metrics.set(t.metric, t);
  }
  for (const m of records.maintenance) histories.get(m.equipmentId)?.maintenance.push({ kind: m.kind, at: Date.parse(m.at), ...(m.downtimeHours === undefined ? {} : { downtimeHours: m.downtimeHours }) });
  for (const batch of records.batches ?? []) {
    for (const e of batch.events) {
      if (e.type !== 'milestone-reached' || e.milestone.milestone !== 'manufacturing-started') continue;
      const id = e.milestone.data?.equipmentId;
      if (typeof id === 'string') histories.get(id)?.runs.push(Date.parse(e.at));
    }
  }
  for (const run of records.runs ?? []) histories.get(run.equipmentId)?.runs.push(Date.parse(run.at));
  for (const h of histories.values()) {
    h.maintenance.sort((a, b) => a.at - b.at);
    h.runs.sort((a, b) => a - b);
  }
  return histories;
}
