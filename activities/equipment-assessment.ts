import { and, eq, or } from 'drizzle-orm';
import { alerts, equipment, equipmentAssessments, maintenanceTickets } from '../src/db/schema/index.js';
import { DAY_MS } from '../src/domain/durations.js';
import { activeModel, type ModelRow } from '../src/forecast/registry/index.js';
import { assessUnitDay, type AssessmentMethod } from '../src/forecast/maintenance/assess-unit.js';
import { loadEquipmentRecords } from '../src/forecast/maintenance/load-records.js';
import { fillMissingSummaries, windowSummariesFromReadings } from '../src/forecast/maintenance/reading-summaries.js';
import { loadMaintenanceModels, type FailureArtifact, type MaintenanceModels, type RulArtifact } from '../src/forecast/maintenance/maintenance-model.js';
import { unitHistories, withWindowTelemetry } from '../src/forecast/maintenance/unit-history.js';
import type { EquipmentKind } from '../src/domain/equipment.js';
import { chainsHoldingLine } from '../src/planning/disruption/line-chains.js';
import { replanDisrupted } from '../src/planning/disruption/replan-disrupted.js';
import type { ActivityDeps, Tx } from './deps.js';
import type { EquipmentActivities, EquipmentAssessment } from './equipment-types.js';
import { invalidInput, parseInstant } from './failures.js';

type Unit = typeof equipment.$inferSelect;

export interface EquipmentActivityOptions {
  /** The registry scope served for a kind: the kind itself, except in tests that train their own. */
  scopeOf?: (kind: EquipmentKind) => string;
}

/** Who moves the chains off a line under maintenance: the assessment opens the ticket, no person does. */
const MAINTENANCE = { name: 'V2V equipment assessment', role: 'system' } as const;

/** The features look back 30 days; one more covers the day being assessed. */
const LOOKBACK_DAYS = 31;

export function equipmentActivities({ db, log, afterCapacityReleased = async () => undefined }: ActivityDeps, { scopeOf = (kind) => kind }: EquipmentActivityOptions = {}): EquipmentActivities {
  // Parsed boosters by model ids: a promotion changes the ids, so a stale entry is never served.
  const loaded = new Map<string, MaintenanceModels>();
  async function servedModels(kind: EquipmentKind): Promise<{ models: MaintenanceModels; failure: ModelRow; rul: ModelRow } | undefined> {
    const [failure, rul] = await Promise.all([activeModel(db, 'equipment_failure_7d', scopeOf(kind)), activeModel(db, 'equipment_rul', scopeOf(kind))]);
    if (!failure || !rul) return undefined;
    const cacheKey = `${failure.id}|${rul.id}`;
    if (!loaded.has(cacheKey)) loaded.set(cacheKey, loadMaintenanceModels(failure.artifact as FailureArtifact, rul.artifact as RulArtifact));
    return { models: loaded.get(cacheKey)!, failure, rul };
  }

  return {
    async assessEquipment({ equipmentId, at, dayMs = DAY_MS }) {
      const asOf = parseInstant(at, 'at');
      if (!(dayMs > 0)) throw invalidInput(`dayMs must be positive, not ${dayMs}.`);
      const [unit] = await db.select().from(equipment).where(eq(equipment.id, equipmentId));
      if (!unit) throw invalidInput(`Equipment ${equipmentId} does not exist.`);
      // The last whole day before `at`: training rows, too, are as of the end of a day.
      const day = Math.floor(asOf.getTime() / dayMs) - 1;
      const records = await loadEquipmentRecords(db, {
        source: unit.simulated ? 'simulated' : 'real', equipmentIds: [unit.id], until: asOf, since: new Date((day - LOOKBACK_DAYS) * dayMs),
      });
      // A real unit's days that nobody summarised yet are made from its readings, the twin's way.
      if (dayMs === DAY_MS && !unit.simulated) records.telemetry.push(...(await fillMissingSummaries(db, unit, records.telemetry, day - LOOKBACK_DAYS, day + 1)));
      let history = unitHistories(records).get(unit.id)!;
      // A compressed clock's days last seconds: the unit's readings summarised in windows that long
      // (the stored calendar days mean nothing on that clock, and these windows are not stored).
      if (dayMs !== DAY_MS) history = withWindowTelemetry(history, await windowSummariesFromReadings(db, unit, day - LOOKBACK_DAYS, day + 1, dayMs));
      const served = await servedModels(unit.kind);
      const assessment = assessUnitDay(history, day, served?.models, dayMs);
      const key = `${equipmentId}:assessment:${asOf.toISOString()}`;

      const assessed = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(equipmentAssessments)
          .values({
            key, equipmentId, at: asOf, failureProbability7d: assessment.failureProbability7d, rulDays: assessment.rulDays, method: assessment.method,
            failureModelId: served?.failure.id ?? null, rulModelId: served?.rul.id ?? null,
            details: {
              threshold: assessment.threshold, day: new Date(day * dayMs).toISOString().slice(0, dayMs === DAY_MS ? 10 : 24),
              ...(dayMs === DAY_MS ? {} : { dayMs }), features: assessment.features,
            },
          })
          .onConflictDoNothing({ target: equipmentAssessments.key })
          .returning();
        // A retry finds the row its first attempt stored, and answers with it.
        const stored = inserted ?? (await tx.select().from(equipmentAssessments).where(eq(equipmentAssessments.key, key)))[0]!;
        const threshold = (stored.details as { threshold: number }).threshold;
        const result: EquipmentAssessment = {
          equipmentId, at: asOf.toISOString(), failureProbability7d: stored.failureProbability7d, rulDays: stored.rulDays,
          method: stored.method as AssessmentMethod, threshold, ticketId: null,
        };
        if (result.failureProbability7d < threshold) return { result, moved: 0 };
        const ticket = await openTicket(tx, unit, result, log);
        return { result: { ...result, ticketId: ticket.id }, moved: ticket.moved };
      });
      // The moved chains' lines are free again: the waitlist may take them (the worker's timer runs it again if this fails).
      if (assessed.moved > 0) await afterCapacityReleased({ batchId: `equipment:${equipmentId}`, reason: `chains moved off a line under maintenance (${equipmentId})` });
      return assessed.result;
    },
  };
}

/**
 * The unit's one open ticket: opened now (with its alert) unless one is open already. The partial
 * unique index decides, not a read before the write: two assessments at once cannot open two.
 */
async function openTicket(tx: Tx, unit: Unit, a: EquipmentAssessment, log: ActivityDeps['log']): Promise<{ id: string; moved: number }> {
  const key = `${unit.id}:ticket:${a.at}`;
  const rul = a.rulDays === null ? '' : `, RUL about ${a.rulDays.toFixed(0)} days`;
  const reason = `7-day failure probability ${a.failureProbability7d.toFixed(2)} ≥ ${a.threshold.toFixed(2)} (${a.method}${rul})`;
  const [opened] = await tx
    .insert(maintenanceTickets)
    .values({ key, equipmentId: unit.id, reason, failureProbability7d: a.failureProbability7d, rulDays: a.rulDays, openedAt: new Date(a.at) })
    .onConflictDoNothing()
    .returning({ id: maintenanceTickets.id });
  if (!opened) {
    // The one already open, or (a retry after someone closed it) the one this assessment opened.
    const [open] = await tx
      .select({ id: maintenanceTickets.id })
      .from(maintenanceTickets)
      .where(or(and(eq(maintenanceTickets.equipmentId, unit.id), eq(maintenanceTickets.state, 'open')), eq(maintenanceTickets.key, key)))
      .limit(1);
    return { id: open!.id, moved: 0 };
  }
  const line = unit.line ? `; new manufacturing slots skip ${unit.line}` : '';
  const message = `${unit.kind} ${unit.id}: maintenance ticket opened, ${reason}${line}.`;
  await tx.insert(alerts).values({ key: `${key}:alert`, equipmentId: unit.id, severity: 'warning', kind: 'maintenance-ticket', message }).onConflictDoNothing({ target: alerts.key });
  log?.('alert', { key: `${key}:alert`, equipmentId: unit.id, kind: 'maintenance-ticket', message });
  // The booked chains holding the line ahead move with the ticket, in its transaction (each with its alert and its workflow's signal).
  if (unit.kind !== 'bioreactor' || !unit.line) return { id: opened.id, moved: 0 };
  const affected = await chainsHoldingLine(tx, unit.siteId, unit.line);
  const { moved } = await replanDisrupted(tx, { key: `maintenance-ticket:${opened.id}`, why: 'line under maintenance', affected, actor: MAINTENANCE, now: new Date() });
  return { id: opened.id, moved: moved.length };
}
