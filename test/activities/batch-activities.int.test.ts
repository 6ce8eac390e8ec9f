import { count, eq, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { alerts, batches, batchStageHistory, custodyEvents, devices, excursions, gateways, infusionBookings, outbox, shipments } from '../../src/db/schema/index.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { takeTurnAt } from '../../src/planning/capacity/take-turn.js';
import { ERR } from '../../src/domain/errors.js';
import { DAY_MS } from '../../src/domain/durations.js';
import { stackConfig, unique } from '../setup/services.js';
import { describeBatchActivitiesContract } from './batch-activities-contract.js';
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

describeBatchActivitiesContract('PostgreSQL', async (capacity) => {
  const sites = await createSites(db, capacity);
  const product = await createProduct(db);
  return {
    activities,
    sites,
    productId: product.id,
    newBatch: async () => (await createBatch(db, { ...sites, productId: product.id })).id,
    shipment: async (id) => {
      const [row] = await db.select().from(shipments).where(eq(shipments.id, id));
      return row && { state: row.state, at: (row.deliveredAt ?? row.cancelledAt)?.toISOString() ?? null };
    },
    alertsStored: (key) => rowsOf(alerts, eq(alerts.key, key)),
    stageOf: async (batchId) => (await db.select({ stage: batches.stage }).from(batches).where(eq(batches.id, batchId)))[0]?.stage,
  };
});

describe('batch activities on the real PostgreSQL', () => {
  it('chains each record to the one before in the database, and a retry racing its first attempt finds it', async () => {
    const { batch } = await setup();
    const input = { key: `${batch.id}:custody:1`, batchId: batch.id, kind: 'handoff', step: 'collection', actor, location: 'Bay 2', meaning: 'collected', data: { din: 'W123426000123' }, occurredAt: '2026-03-01T08:00:00.000Z' };
    const first = await activities.appendCustodyRecord(input);

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

  it("stores a booking's range as one day of the batch's clock", async () => {
    const { batch, infusion } = await setup();
    const infusionDate = '2026-06-10T00:00:00.000Z';
    await activities.bookInfusion({ batchId: batch.id, siteId: infusion, infusionDate, ldStart: '2026-06-09T00:00:00.000Z', timeScale: 86_400 });
    const [row] = await db
      .select({
        from: sql<number>`(extract(epoch from lower(${infusionBookings.during})) * 1000)::float8`,
        ms: sql<number>`(extract(epoch from upper(${infusionBookings.during}) - lower(${infusionBookings.during})) * 1000)::float8`,
      })
      .from(infusionBookings)
      .where(eq(infusionBookings.batchId, batch.id));
    expect(row).toEqual({ from: Date.parse(infusionDate), ms: DAY_MS / 86_400 });
  });

  it('lets exactly one of two batches racing for the last chair win', async () => {
    const first = await setup({ chairs: 1 });
    const second = await createBatch(db, { ...first, productId: first.product.id });
    const day = { siteId: first.infusion, infusionDate: '2026-06-05T00:00:00.000Z', ldStart: '2026-05-31T00:00:00.000Z', timeScale: 1 };
    const race = await Promise.allSettled([first.batch.id, second.id].map((batchId) => activities.bookInfusion({ ...day, batchId })));
    expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(race.find((r) => r.status === 'rejected')).toMatchObject({ reason: { type: ERR.SLOT_TAKEN } });
  });

  it('takes a storm of bookings for one day released at once: each chair to one batch, every other batch told the day is full', async () => {
    // A connection per booking, so all of them really are in PostgreSQL at the same moment. A booking
    // slow to commit holds chair-1 meanwhile, so the storm queues behind it and is released at once.
    // (Here, on a quiet machine, the racers did not deadlock even before bookings took turns; under
    // the workflow bench's load they did, for minutes: bench/README.md, "Bookings racing for chairs".)
    const storm = createDatabase(url, { max: 12 });
    const slow = await storm.pool.connect();
    try {
      const racing = createBatchActivities({ db: storm.db, pool: storm.pool, log: () => undefined });
      const first = await setup({ chairs: 5 });
      const ids = await Promise.all(Array.from({ length: 10 }, async () => (await createBatch(db, { ...first, productId: first.product.id })).id));
      const day = { siteId: first.infusion, infusionDate: '2026-06-05T00:00:00.000Z', ldStart: '2026-06-04T00:00:00.000Z', timeScale: 1_440 };
      await slow.query('begin');
      await slow.query(`insert into infusion_bookings (batch_id, site_id, chair, during, ld_start) values ($1, $2, 'chair-1', tstzrange($3::timestamptz, $3::timestamptz + interval '1 minute'), $4)`, [
        first.batch.id, first.infusion, day.infusionDate, day.ldStart,
      ]);
      const answers = Promise.allSettled(ids.map((batchId) => racing.bookInfusion({ ...day, batchId })));
      await new Promise((resolve) => setTimeout(resolve, 500));
      await slow.query('commit');
      const settled = await answers;
      const refusals = settled.flatMap((a) => (a.status === 'rejected' ? [(a.reason as { type?: string }).type ?? String(a.reason)] : []));
      expect(refusals).toEqual(Array.from({ length: ids.length - 4 }, () => ERR.SLOT_TAKEN));
      const chairs = settled.flatMap((a) => (a.status === 'fulfilled' ? [a.value.chair] : []));
      expect(chairs.sort()).toEqual(['chair-2', 'chair-3', 'chair-4', 'chair-5']);
    } finally {
      slow.release();
      await storm.pool.end();
    }
  });

  it("waits for the centre's turn: no chair is taken while another booking there holds it, and the booking goes through once it ends", async () => {
    const { batch, infusion } = await setup();
    const day = { batchId: batch.id, siteId: infusion, infusionDate: '2026-06-06T00:00:00.000Z', ldStart: '2026-06-01T00:00:00.000Z', timeScale: 1 };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    // Another booking at the centre, mid-way: it has its turn and has not committed yet.
    const other = db.transaction(async (tx) => {
      await takeTurnAt(tx, 'chairs', infusion);
      holding();
      await released;
    });
    await held;
    let settled = false;
    const booking = activities.bookInfusion(day).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whileHeld = { settled, rows: await rowsOf(infusionBookings, eq(infusionBookings.batchId, batch.id)) };
    release();
    await other;
    expect(whileHeld).toEqual({ settled: false, rows: 0 });
    expect(await booking).toMatchObject({ chair: 'chair-1' });
  });

  it('logs an alert once, when it is first stored', async () => {
    const { batch } = await setup();
    const alert = { key: `${batch.id}:alert:1`, batchId: batch.id, severity: 'critical' as const, kind: 'coi-mismatch', message: 'The scanned COI does not match the batch.' };
    await twice(() => activities.notify(alert));
    expect(logged.filter((l) => (l.fields as { key?: string } | undefined)?.key === alert.key)).toHaveLength(1);
  });
});

async function rowsOf(table: PgTable, where: SQL | undefined) {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row!.n;
}
