import { beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { alerts, batches, custodyEvents, custodyHeads, devices, equipment, excursions, forecasts, gateways, landmarks } from '../../src/db/schema/index.js';
import { custodyHash, type CustodyContent } from '../../src/domain/custody-chain.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';
import type { Principal } from '../../src/api/auth/principal.js';

const { app, db, ids, identities } = stackApp();
const get = (url: string) => app.inject({ method: 'GET', url });
const getAs = async (url: string, principal: Principal) => app.inject({ method: 'GET', url, headers: await identities.bearer(principal) });

let batchId: string;
let tamperedId: string;
const freezer = unique('freezer');
const device = unique('logger');

beforeAll(async () => {
  const sites = await Promise.all([app.inject({ method: 'POST', url: '/v1/batches', payload: enrol() }), app.inject({ method: 'POST', url: '/v1/batches', payload: enrol() })]);
  [batchId, tamperedId] = sites.map((r) => r.json().batchId as string) as [string, string];
  await db.insert(equipment).values({ id: freezer, siteId: ids.facility, kind: 'freezer' });
  await db.insert(alerts).values([
    { key: unique('alert'), batchId, severity: 'warning', kind: 'excursion', message: 'temperature out of range', createdAt: new Date('2026-06-01T10:00:00Z') },
    { key: unique('alert'), equipmentId: freezer, severity: 'critical', kind: 'maintenance', message: 'ticket opened', createdAt: new Date('2026-06-02T10:00:00Z') },
  ]);
  await appendChain(batchId, 3);
  await appendChain(tamperedId, 3, 2);
});

function enrol() {
  return { productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, patientRef: unique('ref') };
}

/** Writes a hash-chained custody trail; `tamperAt` stores that record with content its hash does not cover. */
async function appendChain(batch: string, length: number, tamperAt?: number) {
  let prevHash: string | null = null;
  for (let seq = 1; seq <= length; seq++) {
    const content: CustodyContent = {
      batchId: batch, seq, kind: 'handoff', step: `step-${seq}`, actorName: 'A. Courier', actorRole: 'courier', location: null, meaning: null,
      data: { n: seq }, occurredAt: new Date(Date.UTC(2026, 5, 1, seq)).toISOString(),
      recordedAt: new Date(Date.UTC(2026, 5, 1, seq)).toISOString(), hashVersion: 2, prevHash,
    };
    const hash = custodyHash(content);
    const stored = seq === tamperAt ? { ...content, actorName: 'Someone Else' } : content;
    await db.insert(custodyEvents).values({ ...stored, recordKey: `${batch}:${seq}`, occurredAt: new Date(stored.occurredAt), recordedAt: new Date(stored.recordedAt), hash });
    prevHash = hash;
  }
}

describe('GET /v1/alerts', () => {
  it('lists alerts newest first with the sites of their batch or equipment', async () => {
    const res = await get(`/v1/alerts?since=2026-06-01T00:00:00Z&limit=500`);
    expect(res.statusCode).toBe(200);
    const mine = (res.json().alerts as { batchId: string | null; equipmentId: string | null }[]).filter((a) => a.batchId === batchId || a.equipmentId === freezer);
    expect(mine).toEqual([
      expect.objectContaining({ equipmentId: freezer, kind: 'maintenance', severity: 'critical', siteIds: [ids.facility], createdAt: '2026-06-02T10:00:00.000Z' }),
      expect.objectContaining({ batchId, kind: 'excursion', siteIds: expect.arrayContaining([ids.apheresis, ids.facility, ids.treatment]) }),
    ]);
  });

  it('filters by batch, equipment and kind', async () => {
    expect((await get(`/v1/alerts?batchId=${batchId}`)).json().alerts.map((a: { kind: string }) => a.kind)).toEqual(['excursion']);
    expect((await get(`/v1/alerts?equipmentId=${freezer}&kind=maintenance`)).json().alerts).toHaveLength(1);
    expect((await get(`/v1/alerts?equipmentId=${freezer}&kind=excursion`)).json().alerts).toEqual([]);
  });

  it("shows a caller only its own sites' alerts: a scheduler through the treatment centre alone", async () => {
    const kinds = async (principal: Principal) => ((await getAs(`/v1/alerts?limit=500`, principal)).json().alerts as { batchId: string | null; equipmentId: string | null; kind: string }[])
      .filter((a) => a.batchId === batchId || a.equipmentId === freezer).map((a) => a.kind);
    expect(await kinds(userOf('coordinator', [ids.facility]))).toEqual(['maintenance', 'excursion']);
    expect(await kinds(userOf('coordinator', [unique('elsewhere')]))).toEqual([]);
    expect(await kinds(userOf('scheduler', [ids.treatment]))).toEqual(['excursion']);
    expect(await kinds(userOf('scheduler', [ids.apheresis]))).toEqual([]);
  });

  it('rejects a malformed since with the field named', async () => {
    const res = await get('/v1/alerts?since=yesterday');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ in: 'querystring', path: ['since'] });
  });
});

describe('GET /v1/batches/{id}/custody', () => {
  it('returns the records oldest first and a verified chain', async () => {
    const body = (await get(`/v1/batches/${batchId}/custody`)).json();
    expect(body.records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
    expect(body.records[1]).toMatchObject({ step: 'step-2', actor: { name: 'A. Courier', role: 'courier' }, data: { n: 2 }, prevHash: body.records[0].hash });
    expect(body.verification).toEqual({ verified: true });
  });

  it('names the first broken link of a tampered chain', async () => {
    const body = (await get(`/v1/batches/${tamperedId}/custody`)).json();
    expect(body.verification).toMatchObject({ verified: false, brokenAt: { seq: 2, problem: expect.stringContaining('hash does not match its content') } });
  });

  it("refuses a batch outside the caller's sites", async () => {
    expect((await getAs(`/v1/batches/${batchId}/custody`, userOf('coordinator', [unique('elsewhere')]))).statusCode).toBe(403);
  });

  it('answers 404 for an unknown batch', async () => {
    expect((await get(`/v1/batches/${crypto.randomUUID()}/custody`)).statusCode).toBe(404);
  });
});

describe('GET /v1/batches/{id}/forecasts', () => {
  it('lists every forecast with its landmark, oldest landmark first', async () => {
    const landmark = async (stage: string, at: string) =>
      (await db.insert(landmarks).values({ key: unique('lm'), batchId, productId: ids.product, stage, at: new Date(at), facts: {}, ahead: ['release_days'] }).returning())[0]!.id;
    const late = await landmark('MANUFACTURING', '2026-06-05T00:00:00Z');
    const early = await landmark('RECEIVED_AT_FACILITY', '2026-06-03T00:00:00Z');
    // These landmarks have no facts: they must not outlive the test, or training on real rows (which parses facts) would read them.
    try {
      // Written in the opposite order to their landmarks, as a rewritten history may.
      await db.insert(forecasts).values([
        { batchId, target: 'release_days', modelId: 'release_days:network:v2', landmarkId: late, unit: 'hours', p10: 100, p50: 120, p90: 150 },
        { batchId, target: 'release_days', modelId: null, landmarkId: early, unit: 'hours', p10: 150, p50: 200, p90: 300 },
      ]);
      const body = (await get(`/v1/batches/${batchId}/forecasts`)).json();
      expect(body.forecasts.map((f: { landmark: { stage: string }; p50: number; modelId: string | null }) => [f.landmark.stage, f.p50, f.modelId])).toEqual([
        ['RECEIVED_AT_FACILITY', 200, null],
        ['MANUFACTURING', 120, 'release_days:network:v2'],
      ]);
      expect(body.forecasts[0]).toMatchObject({ target: 'release_days', unit: 'hours', p10: 150, p90: 300, landmark: { at: '2026-06-03T00:00:00.000Z' } });
    } finally {
      await db.delete(forecasts).where(inArray(forecasts.landmarkId, [late, early]));
      await db.delete(landmarks).where(inArray(landmarks.id, [late, early]));
    }
  });
});

describe('GET /v1/qa/queue', () => {
  it('lists a batch awaiting disposition until its disposition is recorded, and an unassessed excursion', async () => {
    await db.update(batches).set({ stage: 'AWAITING_QA_RELEASE' }).where(eq(batches.id, batchId));
    await db.update(batches).set({ stage: 'ON_HOLD' }).where(eq(batches.id, tamperedId));
    const gateway = unique('gw');
    await db.insert(gateways).values({ id: gateway, name: 'test gateway' });
    await db.insert(devices).values({ id: device, gatewayId: gateway, kind: 'logger' });
    const [open] = await db.insert(excursions).values({ kind: 'excursion', deviceId: device, batchId: tamperedId, metric: 'temperature_c', openedAt: new Date('2026-06-04T00:00:00Z') }).returning();
    await db.insert(excursions).values([
      { kind: 'telemetry_gap', deviceId: device, batchId: tamperedId, openedAt: new Date('2026-06-04T01:00:00Z') },
      { kind: 'excursion', deviceId: device, batchId: tamperedId, state: 'closed', openedAt: new Date('2026-06-04T02:00:00Z'), assessment: { impact: 'none' } },
    ]);

    const queue = (await get('/v1/qa/queue')).json();
    expect(queue.dispositions.filter((d: { batchId: string }) => d.batchId === batchId)).toEqual([expect.objectContaining({ facilityId: ids.facility })]);
    expect(queue.assessments.filter((a: { batchId: string }) => a.batchId === tamperedId)).toEqual([
      expect.objectContaining({ excursionId: open!.id, batchStage: 'ON_HOLD', state: 'open', metric: 'temperature_c' }),
    ]);

    // The chain head trigger takes only the next link of the chain.
    const [head] = await db.select({ hash: custodyHeads.hash }).from(custodyHeads).where(eq(custodyHeads.batchId, batchId));
    await db.insert(custodyEvents).values({
      batchId, seq: 4, kind: 'qa-disposition', actorName: 'Q. A.', actorRole: 'qa', occurredAt: new Date(), recordKey: `${batchId}:4`, prevHash: head!.hash, hash: 'x',
    });
    const after = (await get('/v1/qa/queue')).json();
    expect(after.dispositions.filter((d: { batchId: string }) => d.batchId === batchId)).toEqual([]);
  });
});
