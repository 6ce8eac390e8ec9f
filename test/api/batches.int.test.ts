import { eq } from 'drizzle-orm';
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import { batches, forecasts, sites } from '../../src/db/schema/index.js';
import { isCoiId } from '../../src/domain/coi.js';
import { TASK_QUEUE, type BatchStatus } from '../../workflows/messages.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';

const { app, db, pool, temporal, config, ids, profile, enrolBody, enrolled } = stackApp();
const enrol = (payload: object) => app.inject({ method: 'POST', url: '/v1/batches', payload });

describe('POST /v1/batches', () => {
  it('stores the batch and starts its workflow with the right id and input (the slot chain it booked), never the patient reference', async () => {
    const patientRef = unique('hospital-ref');
    const res = await enrol(enrolBody(patientRef));
    expect(res.statusCode).toBe(201);
    const { batchId, coiId, chain } = res.json();
    expect(chain).toMatchObject({ version: 1, facilityId: ids.facility });
    expect(res.headers.location).toBe(`/v1/batches/${batchId}`);
    expect(isCoiId(coiId)).toBe(true);

    const [row] = await db.select().from(batches).where(eq(batches.id, batchId));
    expect(row).toMatchObject({ coiId, patientRef, productId: ids.product, facilityId: ids.facility, stage: 'ORDERED' });

    const start = temporal.calls.find((c) => c.kind === 'start' && c.workflowId === `batch:${batchId}`);
    expect(start).toMatchObject({ name: 'batchWorkflow', options: { taskQueue: TASK_QUEUE } });
    expect(start!.args).toEqual([
      {
        batchId,
        coiId,
        productId: ids.product,
        profile,
        apheresisCenterId: ids.apheresis,
        facilityId: ids.facility,
        treatmentCenterId: ids.treatment,
        timeScale: config.V2V_TIME_SCALE,
        chain: {
          version: 1, facilityId: ids.facility, collectionDay: chain.collectionDay,
          lineStartDay: chain.lineStartDay, lineEndDay: chain.lineEndDay, infusionDay: chain.infusionDay,
        },
      },
    ]);
    expect(JSON.stringify(start)).not.toContain(patientRef);
  });

  it('sends the batch to the first manufacturing facility when none is named', async () => {
    const { facilityId, ...body } = enrolBody();
    void facilityId;
    const res = await enrol(body);
    expect(res.statusCode).toBe(201);
    const { rows } = await pool.query<{ id: string }>("select id from sites where kind = 'manufacturing_facility' order by id limit 1");
    const [row] = await db.select().from(batches).where(eq(batches.id, res.json().batchId));
    expect(row!.facilityId).toBe(rows[0]!.id);
  });

  it('answers 422 naming an unknown product, and stores and starts nothing', async () => {
    const before = temporal.calls.length;
    const res = await enrol({ ...enrolBody(), productId: 'no-such-product' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'ERR_VALIDATION', message: expect.stringContaining('no-such-product') });
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['productId'] }));
    expect(temporal.calls.length).toBe(before);
  });

  it('answers 422 naming an unknown site or a site of the wrong kind', async () => {
    const unknown = await enrol({ ...enrolBody(), treatmentCenterId: 'nowhere' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details).toContainEqual(expect.objectContaining({ path: ['treatmentCenterId'] }));
    expect(unknown.json().error.message).toContain('nowhere');

    const wrongKind = await enrol({ ...enrolBody(), treatmentCenterId: ids.apheresis });
    expect(wrongKind.statusCode).toBe(422);
    expect(wrongKind.json().error.message).toMatch(/apheresis_center.*treatment_center/);
  });

  it('keeps the batch, answers 202 and leaves it pending when its workflow cannot be started (test/api/enrolment-idempotency.int.test.ts finishes it)', async () => {
    const patientRef = unique('orphan');
    temporal.startError = new Error('temporal is down');
    const res = await enrol(enrolBody(patientRef)).finally(() => (temporal.startError = undefined));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ started: false });
    expect(res.body).not.toContain('temporal is down');
    expect(await db.select().from(batches).where(eq(batches.patientRef, patientRef))).toHaveLength(1);
  });
});

describe('GET /v1/batches and /v1/batches/{id}', () => {
  it('lists batches of one site and stage, without patient references', async () => {
    const ownSite = unique('treatment');
    await db.insert(sites).values({ id: ownSite, kind: 'treatment_center', name: 'Other unit' });
    const res = await enrol({ ...enrolBody(), treatmentCenterId: ownSite });
    const list = await app.inject({ method: 'GET', url: `/v1/batches?site=${ownSite}&stage=ORDERED` });
    expect(list.statusCode).toBe(200);
    expect(list.json().batches.map((b: { batchId: string }) => b.batchId)).toEqual([res.json().batchId]);
    expect(list.body).not.toContain('patientRef');
    const none = await app.inject({ method: 'GET', url: `/v1/batches?site=${ownSite}&stage=COMPLETED` });
    expect(none.json().batches).toEqual([]);
  });

  it("lists each batch with its latest stored forecast, and leaves out a stored forecast of another shape", async () => {
    const ownSite = unique('treatment');
    await db.insert(sites).values({ id: ownSite, kind: 'treatment_center', name: 'Forecast unit' });
    const [first, second] = [(await enrol({ ...enrolBody(), treatmentCenterId: ownSite })).json(), (await enrol({ ...enrolBody(), treatmentCenterId: ownSite })).json()];
    const band = (day: number) => ({ method: 'model', p10: `2027-01-0${day}T00:00:00.000Z`, p50: `2027-01-0${day}T12:00:00.000Z`, p90: `2027-01-0${day + 1}T00:00:00.000Z` });
    const forecastAt = (day: number) => ({
      method: 'model', modelIds: ['m1'], stage: 'MANUFACTURING', at: '2026-12-20T00:00:00.000Z', release: band(day), infusionReady: band(day + 2),
      readyP10: band(day).p10, readyP50: band(day).p50, readyP90: band(day).p90, atRisk: day === 3,
    });
    const row = (batchId: string, details: unknown) => ({ batchId, target: 'release_days', unit: 'hours', p10: 1, p50: 2, p90: 3, details });
    await db.insert(forecasts).values([row(first.batchId, { forecast: forecastAt(1) }), row(first.batchId, { forecast: forecastAt(3) }), row(second.batchId, { forecast: { release: 'soon' } })]);

    const list = await app.inject({ method: 'GET', url: `/v1/batches?site=${ownSite}` });
    expect(list.statusCode, list.body).toBe(200);
    const byId = new Map(list.json().batches.map((b: { batchId: string }) => [b.batchId, b]));
    expect(byId.get(first.batchId)).toMatchObject({ forecast: { release: band(3), infusionReady: band(5), atRisk: true } });
    expect(byId.get(second.batchId)).not.toHaveProperty('forecast');
  });

  it("keeps the digital twin's simulated batches and sites out of the listings unless asked for", async () => {
    const seed = 990_000 + Math.floor(Math.random() * 9_000);
    const simSite = unique('sim-treatment');
    await db.insert(sites).values({ id: simSite, kind: 'treatment_center', name: 'Simulated unit', simulationSeed: seed });
    const [sim] = await db
      .insert(batches)
      .values({ coiId: unique('COI-SIM'), patientRef: `sim-${seed}-1`, productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: simSite, simulationSeed: seed })
      .returning({ id: batches.id });
    const listed = async (query: string) => (await app.inject({ method: 'GET', url: `/v1/batches?site=${simSite}${query}` })).json().batches.map((b: { batchId: string }) => b.batchId);
    expect(await listed('')).toEqual([]);
    expect(await listed('&simulated=true')).toEqual([sim!.id]);
    const siteIds = async (query: string) => (await app.inject({ method: 'GET', url: `/v1/sites${query}` })).json().sites.map((s: { id: string }) => s.id);
    expect(await siteIds('')).not.toContain(simSite);
    expect(await siteIds('?simulated=true')).toContain(simSite);
    expect((await app.inject({ method: 'GET', url: '/v1/batches?simulated=maybe' })).statusCode).toBe(400);
    const atSimulatedSite = await enrol({ ...enrolBody(), treatmentCenterId: simSite });
    expect(atSimulatedSite.statusCode).toBe(422);
    expect(atSimulatedSite.json().error.message).toContain('simulated history');
    await db.delete(batches).where(eq(batches.id, sim!.id));
    await db.delete(sites).where(eq(sites.id, simSite));
  });

  it("merges the workflow's status with the custody chain, oldest first", async () => {
    const { batchId, coiId } = await enrolled();
    const activities = createBatchActivities({ db, pool });
    const actor = { name: 'A. Nurse', role: 'apheresis nurse' };
    for (const [i, step] of ['collection', 'outbound-pickup'].entries()) {
      await activities.appendCustodyRecord({ key: `${batchId}:custody:${i + 1}`, batchId, kind: 'handoff', step, actor, location: ids.apheresis, meaning: 'handed over', occurredAt: new Date(Date.UTC(2026, 0, 1, 8 + i)).toISOString() });
    }
    const status: BatchStatus = {
      batchId, coiId, productId: ids.product, stage: 'OUTBOUND_TRANSIT', attempt: 1, din: 'W123426000123',
      awaiting: { kind: 'handoff', step: 'facility-receipt' },
      timeline: [{ at: '2026-01-01T08:00:00.000Z', event: 'collected', stage: 'COLLECTED' }],
      issues: [], shipments: [{ shipmentId: 's-1', leg: 'outbound', state: 'in_transit' }], quarantined: false,
    };
    temporal.status = status;
    const res = await app.inject({ method: 'GET', url: `/v1/batches/${batchId}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ...status, source: 'workflow', treatmentCenterId: ids.treatment, facilityId: ids.facility });
    expect(body.custody.map((c: { seq: number; step: string }) => [c.seq, c.step])).toEqual([[1, 'collection'], [2, 'outbound-pickup']]);
    expect(body.custody[0]).toMatchObject({ kind: 'handoff', actor, meaning: 'handed over', occurredAt: '2026-01-01T08:00:00.000Z', hash: expect.any(String) });
  });

  it('falls back to the stored facts once the workflow execution is gone', async () => {
    const { batchId } = await enrolled();
    temporal.status = new WorkflowNotFoundError('not found', `batch:${batchId}`, undefined);
    const res = await app.inject({ method: 'GET', url: `/v1/batches/${batchId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ batchId, stage: 'ORDERED', awaiting: null, source: 'database', custody: [] });
  });

  it('answers 404 for a batch that does not exist', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/batches/00000000-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ERR_NOT_FOUND');
  });
});

describe('reference data', () => {
  it('lists the products with their profiles and the sites with their kinds', async () => {
    const products = (await app.inject({ method: 'GET', url: '/v1/products' })).json().products;
    expect(products).toContainEqual({ id: ids.product, name: profile.name, version: 1, profile });
    const siteList = (await app.inject({ method: 'GET', url: '/v1/sites' })).json().sites;
    expect(siteList).toContainEqual(expect.objectContaining({ id: ids.facility, kind: 'manufacturing_facility' }));
  });
});
