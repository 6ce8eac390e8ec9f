import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { batches, commandTexts, custodyEvents, infusionBookings, productProfiles, sites } from '../../src/db/schema/index.js';
import { eq } from 'drizzle-orm';
import { stackConfig, unique } from '../setup/services.js';

const url = stackConfig().DATABASE_URL!;
const { db, pool } = createDatabase(url, { max: 2 });
// The owner is not stopped by privileges, so it shows the trigger's own refusal.
const owner = createDatabase(stackConfig().DATABASE_OWNER_URL ?? url, { max: 1 });
afterAll(async () => {
  await pool.end();
  await owner.pool.end();
});

async function seedBatch() {
  const site = unique('site');
  const product = unique('product');
  await db.insert(sites).values([{ id: site, kind: 'treatment_center', name: 'Treatment centre' }]);
  await db.insert(productProfiles).values({ id: product, name: 'Generic autologous product', profile: {} });
  const [batch] = await db
    .insert(batches)
    .values({ coiId: unique('COI'), patientRef: unique('ref'), productId: product, apheresisCenterId: site, treatmentCenterId: site })
    .returning();
  return { site, batch: batch! };
}

describe('schema v1 in the real PostgreSQL', () => {
  it('applies the migrations twice without error', async () => {
    await migrateDatabase(url);
    await migrateDatabase(url);
    const { rows } = await pool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(rows[0].n).toBeGreaterThanOrEqual(2);
  });

  it('refuses an infusion booking that overlaps another on the same chair', async () => {
    const first = await seedBatch();
    const second = await seedBatch();
    const booking = { siteId: first.site, chair: 'chair-1', during: '[2026-12-01T08:00Z,2026-12-01T16:00Z)' };
    await db.insert(infusionBookings).values({ ...booking, batchId: first.batch.id });

    const overlapping = db.insert(infusionBookings).values({
      ...booking,
      batchId: second.batch.id,
      during: '[2026-12-01T12:00Z,2026-12-01T20:00Z)',
    });
    await expect(overlapping).rejects.toMatchObject({ cause: { constraint: 'infusion_bookings_no_overlap' } });

    // The same hours on another chair are fine.
    await db.insert(infusionBookings).values({ ...booking, batchId: second.batch.id, chair: 'chair-2' });
  });

  it('keeps custody records append-only in the database itself', async () => {
    const { batch } = await seedBatch();
    const [record] = await db
      .insert(custodyEvents)
      .values({ batchId: batch.id, recordKey: unique('custody'), seq: 1, kind: 'handoff', actorName: 'A. Nurse', actorRole: 'apheresis nurse', occurredAt: new Date(), hash: 'h1' })
      .returning();
    await expect(owner.db.update(custodyEvents).set({ actorName: 'Someone else' }).where(eq(custodyEvents.id, record!.id))).rejects.toMatchObject({
      cause: { message: expect.stringContaining('append-only') },
    });
    await expect(owner.db.delete(custodyEvents).where(eq(custodyEvents.id, record!.id))).rejects.toThrow();
    await expect(db.update(custodyEvents).set({ actorName: 'Someone else' }).where(eq(custodyEvents.id, record!.id))).rejects.toMatchObject({
      cause: { message: expect.stringContaining('permission denied') },
    });
    const [still] = await db.select().from(custodyEvents).where(eq(custodyEvents.id, record!.id));
    expect(still!.actorName).toBe('A. Nurse');
  });

  it("lets the processes append and read a command's text, never change or remove it", async () => {
    const { batch } = await seedBatch();
    const id = crypto.randomUUID();
    await db.insert(commandTexts).values({ id, batchId: batch.id, kind: 'cancel-reason', body: 'withdrawn', sha256: 'a'.repeat(64), createdBy: 'test' });
    await expect(db.update(commandTexts).set({ body: 'something else' }).where(eq(commandTexts.id, id))).rejects.toMatchObject({ cause: { message: expect.stringContaining('permission denied') } });
    await expect(db.delete(commandTexts).where(eq(commandTexts.id, id))).rejects.toMatchObject({ cause: { message: expect.stringContaining('permission denied') } });
    const [still] = await db.select().from(commandTexts).where(eq(commandTexts.id, id));
    expect(still!.body).toBe('withdrawn');
  });

  it('stores readings in the partitioned table', async () => {
    const { rows } = await pool.query(`select relkind from pg_class where relname = 'sensor_readings'`);
    expect(rows[0].relkind).toBe('p');
  });

  it("lets the processes' role create a month's readings partition, and nothing else", async () => {
    // A month far ahead, so no reading already sits in the default partition for it.
    const { rows } = await pool.query(`select v2v_ensure_readings_partition('2099-03-17'::date) as name`);
    expect(rows[0].name).toBe('sensor_readings_2099_03');
    const { rows: parent } = await pool.query(`select inhparent::regclass::text as parent from pg_inherits where inhrelid = 'sensor_readings_2099_03'::regclass`);
    expect(parent[0].parent).toBe('sensor_readings');
    if (url !== (stackConfig().DATABASE_OWNER_URL ?? url)) await expect(pool.query('create table v2v_not_allowed (id int)')).rejects.toThrow(/permission denied/);
  });
  it('stores each queued signal\'s workflow kind, rows queued before the column backfilled from the id', async () => {
    const { rows } = await pool.query(
      `select count(*)::int as n from workflow_signals
        where workflow_kind <> case when workflow_id like 'equipment:%' then 'equipment' else 'batch' end
           or (workflow_kind = 'equipment' and workflow_id <> 'equipment:' || equipment_id)`,
    );
    expect(rows[0].n).toBe(0);
    const row = (kind: string, equipmentId: string | null) => ({ change_id: unique('change'), workflow_id: unique('wf'), workflow_kind: kind, equipment_id: equipmentId });
    const insert = (r: ReturnType<typeof row>) =>
      pool.query(`insert into workflow_signals (change_id, workflow_id, workflow_kind, equipment_id, signal, payload) values ($1, $2, $3, $4, 'excursion', '{}')`, Object.values(r));
    await expect(insert(row('shipment', null))).rejects.toThrow(/workflow_signals_kind_check/);
    await expect(insert(row('equipment', null))).rejects.toThrow(/workflow_signals_equipment_id_check/);
    await expect(insert(row('batch', 'freezer-1'))).rejects.toThrow(/workflow_signals_equipment_id_check/);
  });
});
