import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { alerts, batches, batchStageHistory, custodyEvents, devices, excursions, forecasts, gateways, infusionBookings, manufacturingSlots, outbox, shipments } from '../../src/db/schema/index.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { ERR } from '../../src/domain/errors.js';
import { DAY_MS, HOUR_MS } from '../../src/domain/profile.js';
import { stackConfig, unique } from '../setup/services.js';
import { createBatch, createProduct, createSites } from './batch-fixtures.js';

const url = stackConfig().DATABASE_URL!;
const { db, pool } = createDatabase(url, { max: 4 });
const logged: { msg: string; fields?: object }[] = [];
const activities = createBatchActivities({ db, pool, log: (msg, fields) => logged.push({ msg, fields }) });

beforeAll(async () => {
  await migrateDatabase(url);
  await seedReferenceData(db);
});
afterAll(() => pool.end());

/** Two calls with the same input: the Temporal retry after a lost response. */
async function twice<T>(call: () => Promise<T>): Promise<[T, T]> {
  return [await call(), await call()];
}

async function setup(capacity: { chairs?: number; lines?: number } = {}) {
  const where = await createSites(db, capacity);
  const product = await createProduct(db);
  const batch = await createBatch(db, { ...where, productId: product.id });
  return { ...where, product, batch };
}

const actor = { name: 'A. Nurse', role: 'apheresis nurse' };

describe('batch activities on the real PostgreSQL', () => {
  it('appends a custody record once per key and chains the next one to it', async () => {
    const { batch } = await setup();
    const input = { key: `${batch.id}:custody:1`, batchId: batch.id, kind: 'handoff', step: 'collection', actor, location: 'Bay 2', meaning: 'collected', data: { din: 'W123426000123' }, occurredAt: '2026-03-01T08:00:00.000Z' };
    const [first, retried] = await twice(() => activities.appendCustodyRecord(input));
    expect(retried).toEqual(first);
    expect(first.seq).toBe(1);

    // A retry racing its own first attempt (after a start-to-close timeout) waits for it and finds it.
    const next = { ...input, key: `${batch.id}:custody:2`, step: 'outbound-pickup', occurredAt: '2026-03-01T10:00:00.000Z' };
    const [second, racing] = await Promise.all([activities.appendCustodyRecord(next), activities.appendCustodyRecord(next)]);
    expect(racing).toEqual(second);
    expect(second.seq).toBe(2);
    const rows = await db.select().from(custodyEvents).where(eq(custodyEvents.batchId, batch.id)).orderBy(custodyEvents.seq);
    expect(rows.map((r) => [r.seq, r.prevHash])).toEqual([[1, null], [2, first.hash]]);
    expect(await verifyCustodyChains(pool, batch.id)).toEqual({ records: 2, batches: 1, breaks: [] });
  });

  it("puts QA's excursion assessment on the excursion row, and passes over a deviation that has none", async () => {
    const { batch } = await setup();
    const gatewayId = unique('gw');
    const deviceId = unique('dev');
    await db.insert(gateways).values({ id: gatewayId, name: gatewayId });
    await db.insert(devices).values({ id: deviceId, gatewayId, kind: 'shipper_logger' });
    const [excursion] = await db
      .insert(excursions)
      .values({ kind: 'excursion', deviceId, batchId: batch.id, metric: 'temperature_c', openedAt: new Date('2026-03-01T09:00:00.000Z'), updatedAt: new Date('2026-03-01T09:00:00.000Z') })
      .returning();
    const signer = { name: 'Q. A. Person', role: 'qualified person' };
    const assess = (n: number, issueId: string) =>
      activities.appendCustodyRecord({
        key: `${batch.id}:custody:${n}`, batchId: batch.id, kind: 'excursion-assessment', actor: signer, meaning: 'assessed: no impact on the product',
        data: { issueId, issueKind: 'excursion', impact: 'none' }, occurredAt: '2026-03-01T10:00:00.000Z',
      });

    await assess(1, excursion!.id);
    const [row] = await db.select().from(excursions).where(eq(excursions.id, excursion!.id));
    expect(row!.assessment).toEqual({ impact: 'none', signer, meaning: 'assessed: no impact on the product', at: '2026-03-01T10:00:00.000Z' });
    expect(row!.updatedAt.getTime()).toBeGreaterThan(Date.parse('2026-03-01T09:00:00.000Z'));

    // A deviation's id is no uuid and names no row: the record is still appended.
    expect((await assess(2, 'deviation-1')).seq).toBe(2);
  });

  it('records a stage change, its history and its outbound event once, without patient data', async () => {
    const { batch, product } = await setup();
    const input = { eventId: `${batch.id}:stage:1`, batchId: batch.id, coiId: batch.coiId, productId: product.id, stage: 'APHERESIS_SCHEDULED' as const, previous: 'ORDERED' as const, at: '2026-03-01T08:00:00.000Z' };
    await twice(() => activities.recordStageChange(input));

    const [row] = await db.select().from(batches).where(eq(batches.id, batch.id));
    expect(row!.stage).toBe('APHERESIS_SCHEDULED');
    expect(await rowsOf(batchStageHistory, eq(batchStageHistory.batchId, batch.id))).toBe(1);
    const events = await db.select().from(outbox).where(eq(outbox.eventId, input.eventId));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ topic: 'v2v.batch.events.v1', key: batch.id, publishedAt: null });
    expect(events[0]!.payload).toEqual({ ...input, type: 'batch.stage-changed' });
    expect(JSON.stringify(events[0]!.payload)).not.toContain(batch.patientRef);
  });

  it('reserves a manufacturing line once per batch, and refuses an overlapping slot when every line is taken', async () => {
    const first = await setup({ lines: 1 });
    const other = await createBatch(db, { ...first, productId: first.product.id });
    const slot = { facilityId: first.facility, from: '2026-04-01T00:00:00.000Z', to: '2026-04-12T00:00:00.000Z' };

    const [held, retried] = await twice(() => activities.reserveManufacturingSlot({ ...slot, batchId: first.batch.id }));
    expect(retried).toEqual(held);
    expect(held.line).toBe('line-1');
    expect(await rowsOf(manufacturingSlots, eq(manufacturingSlots.batchId, first.batch.id))).toBe(1);

    const overlapping = activities.reserveManufacturingSlot({ ...slot, batchId: other.id, from: '2026-04-10T00:00:00.000Z', to: '2026-04-20T00:00:00.000Z' });
    await expect(overlapping).rejects.toMatchObject({ type: ERR.SLOT_TAKEN, nonRetryable: true });

    await twice(() => activities.releaseManufacturingSlot({ batchId: first.batch.id }));
    const freed = await activities.reserveManufacturingSlot({ ...slot, batchId: other.id });
    expect(freed.line).toBe('line-1');
  });

  it('creates, completes and cancels shipments once each', async () => {
    const { batch, apheresis, facility, infusion } = await setup();
    const outbound = { shipmentId: unique('shipment'), batchId: batch.id, leg: 'outbound' as const, fromSiteId: apheresis, toSiteId: facility, departedAt: '2026-03-02T08:00:00.000Z', stabilityDeadline: '2026-03-04T08:00:00.000Z' };
    await twice(() => activities.createShipment(outbound));
    await twice(() => activities.completeShipment({ shipmentId: outbound.shipmentId, state: 'delivered', at: '2026-03-03T04:00:00.000Z' }));
    const returning = { ...outbound, shipmentId: unique('shipment'), leg: 'return' as const, fromSiteId: facility, toSiteId: infusion };
    await activities.createShipment(returning);
    await twice(() => activities.cancelOpenShipments({ batchId: batch.id, at: '2026-03-20T00:00:00.000Z' }));

    const rows = await db.select().from(shipments).where(eq(shipments.batchId, batch.id)).orderBy(shipments.departedAt, shipments.leg);
    expect(rows.map((r) => [r.id, r.state])).toEqual([[outbound.shipmentId, 'delivered'], [returning.shipmentId, 'cancelled']]);
    expect(rows[0]!.deliveredAt!.toISOString()).toBe('2026-03-03T04:00:00.000Z');
    expect(rows[1]!.cancelledAt!.toISOString()).toBe('2026-03-20T00:00:00.000Z');
  });

  it('books an infusion chair once, moves it to another day, and cancels it', async () => {
    const { batch, infusion } = await setup({ chairs: 2 });
    const booking = { batchId: batch.id, siteId: infusion, infusionDate: '2026-05-10T00:00:00.000Z', ldStart: '2026-05-05T00:00:00.000Z', timeScale: 1 };
    const [booked, retried] = await twice(() => activities.bookInfusion(booking));
    expect(retried).toEqual(booked);
    expect(booked.chair).toBe('chair-1');

    const moved = await activities.bookInfusion({ ...booking, infusionDate: '2026-05-12T00:00:00.000Z', ldStart: '2026-05-07T00:00:00.000Z' });
    expect(moved.bookingId).not.toBe(booked.bookingId);
    const states = await db.select().from(infusionBookings).where(eq(infusionBookings.batchId, batch.id)).orderBy(infusionBookings.createdAt);
    expect(states.map((b) => b.state)).toEqual(['cancelled', 'active']);

    await twice(() => activities.cancelInfusionBooking({ batchId: batch.id }));
    expect(await rowsOf(infusionBookings, and(eq(infusionBookings.batchId, batch.id), eq(infusionBookings.state, 'active')))).toBe(0);
  });

  it('never gives two batches the same chair on overlapping days', async () => {
    const first = await setup({ chairs: 1 });
    const second = await createBatch(db, { ...first, productId: first.product.id });
    const day = { siteId: first.infusion, infusionDate: '2026-06-01T00:00:00.000Z', ldStart: '2026-05-27T00:00:00.000Z', timeScale: 1 };
    await activities.bookInfusion({ ...day, batchId: first.batch.id, chair: 'chair-1' });

    const sameChair = activities.bookInfusion({ ...day, batchId: second.id, chair: 'chair-1', infusionDate: '2026-06-01T12:00:00.000Z' });
    await expect(sameChair).rejects.toMatchObject({ type: ERR.SLOT_TAKEN, nonRetryable: true });
    const anyChair = activities.bookInfusion({ ...day, batchId: second.id });
    await expect(anyChair).rejects.toMatchObject({ type: ERR.SLOT_TAKEN });

    const nextDay = await activities.bookInfusion({ ...day, batchId: second.id, infusionDate: '2026-06-02T00:00:00.000Z' });
    expect(nextDay.chair).toBe('chair-1');
  });

  it("holds a chair for one day of the batch's clock, not of the worker's", async () => {
    // Built as the worker builds them: the process's V2V_TIME_SCALE is not among the deps, so a
    // worker on any clock books what the batch's input says.
    const worker = createBatchActivities({ db, pool });
    const first = await setup({ chairs: 1 });
    const second = await createBatch(db, { ...first, productId: first.product.id });
    const compressed = { siteId: first.infusion, ldStart: '2026-06-09T00:00:00.000Z', timeScale: 86_400 };
    const day = Date.parse('2026-06-10T00:00:00.000Z');
    const at = (ms: number) => new Date(day + ms).toISOString();

    await worker.bookInfusion({ ...compressed, batchId: first.batch.id, infusionDate: at(0) });
    const halfDayLater = worker.bookInfusion({ ...compressed, batchId: second.id, infusionDate: at(500) });
    await expect(halfDayLater).rejects.toMatchObject({ type: ERR.SLOT_TAKEN });
    const nextDay = await worker.bookInfusion({ ...compressed, batchId: second.id, infusionDate: at(1_000) });
    expect(nextDay.chair).toBe('chair-1');

    const lengths = await db
      .select({ ms: sql<number>`(extract(epoch from upper(${infusionBookings.during}) - lower(${infusionBookings.during})) * 1000)::float8` })
      .from(infusionBookings)
      .where(and(eq(infusionBookings.siteId, first.infusion), eq(infusionBookings.state, 'active')));
    expect(lengths.map((l) => l.ms)).toEqual([DAY_MS / 86_400, DAY_MS / 86_400]);

    const noClock = worker.bookInfusion({ ...compressed, batchId: second.id, infusionDate: at(2_000), timeScale: 0 });
    await expect(noClock).rejects.toMatchObject({ type: ERR.VALIDATION, nonRetryable: true, message: expect.stringContaining('timeScale') });
  });

  it('lets exactly one of two batches racing for the last chair win', async () => {
    const first = await setup({ chairs: 1 });
    const second = await createBatch(db, { ...first, productId: first.product.id });
    const day = { siteId: first.infusion, infusionDate: '2026-06-05T00:00:00.000Z', ldStart: '2026-05-31T00:00:00.000Z', timeScale: 1 };
    const race = await Promise.allSettled([first.batch.id, second.id].map((batchId) => activities.bookInfusion({ ...day, batchId })));
    expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(race.find((r) => r.status === 'rejected')).toMatchObject({ reason: { type: ERR.SLOT_TAKEN } });
  });

  it('stores and logs an alert once per key', async () => {
    const { batch } = await setup();
    const alert = { key: `${batch.id}:alert:1`, batchId: batch.id, severity: 'critical' as const, kind: 'coi-mismatch', message: 'The scanned COI does not match the batch.' };
    await twice(() => activities.notify(alert));
    expect(await rowsOf(alerts, eq(alerts.key, alert.key))).toBe(1);
    expect(logged.filter((l) => (l.fields as { key?: string } | undefined)?.key === alert.key)).toHaveLength(1);
  });

  it('forecasts from the profile without history, and from five completed histories on', async () => {
    const { batch, product, ...where } = await setup();
    const entered = '2026-07-01T00:00:00.000Z';
    const input = { batchId: batch.id, productId: product.id, stage: 'MANUFACTURING' as const, stageEnteredAt: entered, timeScale: 1 };

    const [nominal, retried] = await twice(() => activities.forecastTurnaround(input));
    expect(retried).toEqual(nominal);
    const nominalHours = Object.values(product.manufacturingDays).reduce((a, b) => a + b, 0) * 24 + product.qcDays * 24;
    expect(nominal).toEqual({
      method: 'profile-nominal',
      stage: 'MANUFACTURING',
      readyP10: new Date(Date.parse(entered) + nominalHours * 0.85 * HOUR_MS).toISOString(),
      readyP50: new Date(Date.parse(entered) + nominalHours * HOUR_MS).toISOString(),
      readyP90: new Date(Date.parse(entered) + nominalHours * 1.3 * HOUR_MS).toISOString(),
    });
    const stored = await db.select().from(forecasts).where(eq(forecasts.batchId, batch.id));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ unit: 'hours', target: 'turnaround', p50: nominalHours });

    // Five earlier batches of the product that took 10…14 days from MANUFACTURING to RELEASED.
    for (const days of [10, 11, 12, 13, 14]) {
      const earlier = await createBatch(db, { ...where, productId: product.id });
      const start = Date.parse('2026-01-01T00:00:00.000Z');
      await db.insert(batchStageHistory).values([
        { batchId: earlier.id, productId: product.id, stage: 'MANUFACTURING', enteredAt: new Date(start) },
        { batchId: earlier.id, productId: product.id, stage: 'QC_TESTING', enteredAt: new Date(start + (days - 3) * DAY_MS) },
        { batchId: earlier.id, productId: product.id, stage: 'RELEASED', enteredAt: new Date(start + days * DAY_MS) },
      ]);
    }
    const later = '2026-07-02T00:00:00.000Z';
    const empirical = await activities.forecastTurnaround({ ...input, stageEnteredAt: later });
    expect(empirical).toEqual({
      method: 'empirical-baseline',
      stage: 'MANUFACTURING',
      readyP10: new Date(Date.parse(later) + 10.4 * DAY_MS).toISOString(),
      readyP50: new Date(Date.parse(later) + 12 * DAY_MS).toISOString(),
      readyP90: new Date(Date.parse(later) + 13.6 * DAY_MS).toISOString(),
    });
  });
});

async function rowsOf(table: PgTable, where: SQL | undefined) {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row!.n;
}
