import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equipmentActivities } from '../../activities/equipment-assessment.js';
import { manufacturingSlotActivities } from '../../activities/manufacturing-slots.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import {
  alerts, deviceBindings, devices, equipment, equipmentAssessments, equipmentDailyTelemetry, gateways, maintenanceTickets, manufacturingSlots, sensorReadings,
} from '../../src/db/schema/index.js';
import { FALLBACK_RULE } from '../../src/forecast/maintenance/assess-unit.js';
import { stackConfig, unique } from '../setup/services.js';
import { createBatch, createProduct, createSites } from './batch-fixtures.js';

// Real units (no seed) at a facility of this file's own; a scope nobody trains, so the fallback
// rule serves and the figures are known: a unit whose noise doubled on its last day is flagged.
const config = stackConfig();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 4 });
const assess = equipmentActivities({ db, pool }, { scopeOf: () => unique('untrained') }).assessEquipment;
const slots = manufacturingSlotActivities({ db, pool });
const failing = unique('bioreactor');
const healthy = unique('bioreactor');
const day = (n: number) => new Date(Date.UTC(2026, 5, 1 + n)).toISOString().slice(0, 10);
/** Six in the morning after day 25: the assessment describes day 25. */
const at = (n = 26) => new Date(Date.UTC(2026, 5, 1 + n, 6)).toISOString();
let where: Awaited<ReturnType<typeof createSites>> & { productId: string };
/** Reserved on line-1 before its bioreactor got a ticket. */
let heldBefore: { slotId: string; line: string };

const telemetry = (equipmentId: string, lastStddev: number) =>
  Array.from({ length: 26 }, (_, n) => {
    const stddev = n === 25 ? lastStddev : 0.1;
    return { equipmentId, day: day(n), metric: 'temperature_c', n: 1440, mean: 37, min: 36.7, max: 37.3, stddev, minutesOutOfRange: 0 };
  });

beforeAll(async () => {
  await migrateDatabase(config.DATABASE_URL!);
  const sites = await createSites(db, { lines: 2 });
  where = { ...sites, productId: (await createProduct(db)).id };
  await db.insert(equipment).values([
    { id: failing, siteId: sites.facility, kind: 'bioreactor', line: 'line-1', installedAt: new Date('2025-01-01T00:00:00Z') },
    { id: healthy, siteId: sites.facility, kind: 'bioreactor', line: 'line-2', installedAt: new Date('2025-01-01T00:00:00Z') },
  ]);
  await db.insert(equipmentDailyTelemetry).values([...telemetry(failing, 0.25), ...telemetry(healthy, 0.1)]);
  const early = await createBatch(db, where);
  heldBefore = await slots.reserveManufacturingSlot({ batchId: early.id, facilityId: sites.facility, from: '2026-08-01T00:00:00Z', to: '2026-08-05T00:00:00Z' });
});
afterAll(() => pool.end());

const ticketsOf = (id: string) => db.select().from(maintenanceTickets).where(eq(maintenanceTickets.equipmentId, id));
const alertsOf = (id: string) => db.select().from(alerts).where(and(eq(alerts.equipmentId, id), eq(alerts.kind, 'maintenance-ticket')));

describe('assessEquipment', () => {
  it('above the threshold: stores the assessment, opens a ticket and alerts about the unit (no batch)', async () => {
    const result = await assess({ equipmentId: failing, at: at() });
    expect(result).toMatchObject({ method: 'threshold-rule', failureProbability7d: FALLBACK_RULE.probabilityWhenFlagged, rulDays: null, threshold: FALLBACK_RULE.threshold });
    const [ticket] = await ticketsOf(failing);
    expect(ticket).toMatchObject({ id: result.ticketId, state: 'open', failureProbability7d: FALLBACK_RULE.probabilityWhenFlagged });
    const [alert] = await alertsOf(failing);
    expect(alert).toMatchObject({ batchId: null, severity: 'warning' });
    expect(alert!.message).toContain('line-1');
  });

  it('is idempotent: asked again for the same instant, it answers the same and writes nothing more', async () => {
    const first = await assess({ equipmentId: failing, at: at() });
    expect(await assess({ equipmentId: failing, at: at() })).toEqual(first);
    expect(await db.select().from(equipmentAssessments).where(eq(equipmentAssessments.equipmentId, failing))).toHaveLength(1);
    expect(await ticketsOf(failing)).toHaveLength(1);
    expect(await alertsOf(failing)).toHaveLength(1);
  });

  it('a later assessment still above keeps the one open ticket, without a second alert', async () => {
    const first = await assess({ equipmentId: failing, at: at() });
    const later = await assess({ equipmentId: failing, at: at(26).replace('T06', 'T18') });
    expect(later.ticketId).toBe(first.ticketId);
    expect(await ticketsOf(failing)).toHaveLength(1);
    expect(await alertsOf(failing)).toHaveLength(1);
  });

  it('below the threshold: an assessment and nothing else', async () => {
    const result = await assess({ equipmentId: healthy, at: at() });
    expect(result).toMatchObject({ failureProbability7d: FALLBACK_RULE.probabilityOtherwise, ticketId: null });
    expect(await ticketsOf(healthy)).toEqual([]);
  });

  it('new manufacturing slots skip the line whose bioreactor has an open ticket; a slot already held stays', async () => {
    const batch = await createBatch(db, where);
    const slot = await slots.reserveManufacturingSlot({ batchId: batch.id, facilityId: where.facility, from: '2026-07-01T00:00:00Z', to: '2026-07-10T00:00:00Z' });
    expect(slot.line).toBe('line-2');
    // line-2 is now taken for those days and line-1 is under maintenance: nothing left.
    const other = await createBatch(db, where);
    await expect(
      slots.reserveManufacturingSlot({ batchId: other.id, facilityId: where.facility, from: '2026-07-02T00:00:00Z', to: '2026-07-05T00:00:00Z' }),
    ).rejects.toThrow(/line-1 under maintenance/);
    expect(await slots.reserveManufacturingSlot({ batchId: batch.id, facilityId: where.facility, from: '2026-07-01T00:00:00Z', to: '2026-07-10T00:00:00Z' })).toEqual(slot);
    expect(heldBefore.line).toBe('line-1');
    const [held] = await db.select().from(manufacturingSlots).where(eq(manufacturingSlots.id, heldBefore.slotId));
    expect(held).toMatchObject({ line: 'line-1', state: 'reserved' });
  });

  it('refuses a unit that does not exist, for good (no retry)', async () => {
    await expect(assess({ equipmentId: unique('nothing'), at: at() })).rejects.toMatchObject({ nonRetryable: true });
  });

  it("makes a real unit's missing days from its readings, the twin's way, and stores them", async () => {
    const unitId = unique('bioreactor');
    const device = unique('probe');
    const gateway = unique('gw');
    await db.insert(equipment).values({ id: unitId, siteId: where.facility, kind: 'bioreactor', line: 'line-2' });
    await db.insert(gateways).values({ id: gateway, name: gateway });
    await db.insert(devices).values({ id: device, gatewayId: gateway, kind: 'bioreactor_probe' });
    const [binding] = await db.insert(deviceBindings).values({ deviceId: device, equipmentId: unitId, during: '[2026-06-01T00:00:00Z,2026-07-01T00:00:00Z)' }).returning();
    // Day 25: 37.0, then 38.0 (above the bioreactor's 37.5) for the ten minutes until 37.1, then 37.0.
    const values = [37.0, 38.0, 37.1, 37.0];
    await db.insert(sensorReadings).values(values.map((value, i) => ({
      eventId: randomUUID(), eventTime: new Date(Date.UTC(2026, 5, 26, 0, 10 * i)), deviceId: device, gatewayId: gateway, metric: 'temperature_c', value, unit: 'degC', bindingId: binding!.id,
    })));

    await assess({ equipmentId: unitId, at: at() });
    const stored = await db.select().from(equipmentDailyTelemetry).where(eq(equipmentDailyTelemetry.equipmentId, unitId));
    const mean = values.reduce((a, b) => a + b, 0) / 4;
    expect(stored).toEqual([{
      equipmentId: unitId, day: day(25), metric: 'temperature_c', n: 4, mean: expect.closeTo(mean, 9), min: 37, max: 38,
      stddev: expect.closeTo(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 4), 9), minutesOutOfRange: 10,
    }]);
  });
  it('on a compressed clock counts its days in windows of dayMs of readings, not calendar days, and stores none', async () => {
    const unitId = unique('bioreactor');
    const device = unique('probe');
    const gateway = unique('gw');
    await db.insert(equipment).values({ id: unitId, siteId: where.facility, kind: 'bioreactor', line: 'line-2', installedAt: new Date('2025-01-01T00:00:00Z') });
    await db.insert(gateways).values({ id: gateway, name: gateway });
    await db.insert(devices).values({ id: device, gatewayId: gateway, kind: 'bioreactor_probe' });
    const [binding] = await db.insert(deviceBindings).values({ deviceId: device, equipmentId: unitId, during: '[2026-06-01T00:00:00Z,2026-07-01T00:00:00Z)' }).returning();
    // A day lasts 4 s (V2V_TIME_SCALE 21600): five quiet windows of pH around 7.1, then one drifting and noisy.
    const dayMs = 4_000;
    const start = Date.UTC(2026, 5, 26, 12);
    const windows = [...Array.from({ length: 5 }, () => [7.1, 7.12, 7.08, 7.1]), [7.0, 6.85, 6.7, 6.6]];
    await db.insert(sensorReadings).values(windows.flatMap((values, w) => values.map((value, i) => ({
      eventId: randomUUID(), eventTime: new Date(start + w * dayMs + i * 1_000), deviceId: device, gatewayId: gateway, metric: 'ph', value, unit: 'pH', bindingId: binding!.id,
    }))));

    // Just after the drifting window: it is the last whole day of that clock.
    const drifting = await assess({ equipmentId: unitId, at: new Date(start + 6 * dayMs + 500).toISOString(), dayMs });
    expect(drifting).toMatchObject({ method: 'threshold-rule', failureProbability7d: FALLBACK_RULE.probabilityWhenFlagged, ticketId: expect.any(String) });
    const [stored] = await db.select().from(equipmentAssessments).where(eq(equipmentAssessments.key, `${unitId}:assessment:${drifting.at}`));
    const features = (stored!.details as { features: Record<string, number> }).features;
    expect(features.max_stddev_ratio_30d).toBeGreaterThan(FALLBACK_RULE.rule.threshold);
    expect(features.ph_drift_7d).toBeLessThan(0);
    // pH 6.7 (below 6.8) for one second of the 4-second window: a quarter of that clock's day, 360 minutes as a model trained on real days reads it.
    expect(features.out_of_range_minutes_1d).toBeCloseTo(360, 6);
    // A quiet window before it: no ticket (its last whole day is the fifth quiet one).
    const quiet = await assess({ equipmentId: unitId, at: new Date(start + 5 * dayMs + 500).toISOString(), dayMs });
    expect(quiet).toMatchObject({ failureProbability7d: FALLBACK_RULE.probabilityOtherwise, ticketId: null });
    expect(await db.select().from(equipmentDailyTelemetry).where(eq(equipmentDailyTelemetry.equipmentId, unitId))).toEqual([]);
    expect(await alertsOf(unitId)).toHaveLength(1);
  });
});
