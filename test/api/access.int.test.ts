import { WorkflowNotFoundError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/api/auth/principal.js';
import { addUser } from '../../src/api/auth/users.js';
import { batches, devices, equipment, maintenanceEvents, sites } from '../../src/db/schema/index.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { ADMIN, machineOf, userOf } from './tokens.js';

/**
 * Every /v1 route × role × site, as the matrix says: who is allowed, who gets 403, and
 * that a refused call changes nothing. The batch under test is at this file's apheresis centre,
 * facility and treatment centre; "elsewhere" identities act for another treatment centre only.
 */
const { app, db, temporal, ids, identities, enrolled, enrolBody } = stackApp();
const elsewhere = unique('treatment-elsewhere');
const unit = unique('bioreactor');
const QA_PASSWORD = 'quality first, always';

const who: Record<string, Principal> = {
  coordinator: userOf('coordinator', [ids.apheresis, ids.treatment]),
  'coordinator-facility': userOf('coordinator', [ids.facility]),
  'coordinator-elsewhere': userOf('coordinator', [elsewhere]),
  scheduler: userOf('scheduler', [ids.treatment]),
  'scheduler-at-apheresis': userOf('scheduler', [ids.apheresis]),
  'qa-elsewhere': userOf('qa', [elsewhere]),
  'gateway-admin': userOf('gateway-admin', [ids.facility]),
  admin: ADMIN,
  courier: machineOf('courier', [ids.apheresis]),
  'courier-elsewhere': machineOf('courier', [elsewhere]),
  manufacturing: machineOf('manufacturing', [ids.facility]),
  'qc-lab': machineOf('qc-lab', [ids.facility]),
};
const tokens = new Map<string, string>();
const names = () => [...tokens.keys()];
const everyUser = ['coordinator', 'coordinator-facility', 'coordinator-elsewhere', 'scheduler', 'scheduler-at-apheresis', 'qa', 'qa-elsewhere', 'gateway-admin', 'admin'];

let batchId: string;
let coiId: string;

beforeAll(async () => {
  await db.insert(sites).values({ id: elsewhere, kind: 'treatment_center', name: 'Another cell therapy unit' });
  await db.insert(equipment).values({ id: unit, siteId: ids.facility, kind: 'bioreactor', line: 'line-9' });
  // QA signs, so it is a real user with a signing password; the others need only a token.
  const qa = await addUser(db, identities.stackRoot, { name: 'Q. A. Signer', role: 'qa', sites: [ids.facility], signingPassword: QA_PASSWORD });
  tokens.set('qa', qa.token);
  for (const [name, principal] of Object.entries(who)) tokens.set(name, await identities.tokenFor(principal));
  ({ batchId, coiId } = await enrolled());
});

// The batch's detail falls back to the database when its workflow is gone: no live status needed here.
beforeEach(() => {
  temporal.status = new WorkflowNotFoundError('not found', `batch:${batchId}`, undefined);
});

interface Case {
  route: string;
  request: () => InjectOptions;
  allowed: string[];
  /** What the recording workflow answers an allowed call (default: a stage). */
  answer?: unknown;
  /** For a mutating route: true when the refused call left no trace. */
  unchanged?: (request: InjectOptions) => Promise<boolean>;
}

const post = (url: string, payload: object): InjectOptions => ({ method: 'POST', url, payload });
const get = (url: string): InjectOptions => ({ method: 'GET', url });
const byPatientRef = async (r: InjectOptions) => (await db.select().from(batches).where(eq(batches.patientRef, (r.payload as { patientRef: string }).patientRef))).length === 0;
const noDevice = async (r: InjectOptions) => (await db.select().from(devices).where(eq(devices.id, (r.payload as { deviceId: string }).deviceId))).length === 0;
let services = 0;
const noNewService = async () => (await db.select().from(maintenanceEvents).where(eq(maintenanceEvents.equipmentId, unit))).length === services;

const batchReaders = ['coordinator', 'coordinator-facility', 'scheduler', 'qa', 'admin', 'courier', 'manufacturing', 'qc-lab'];
const cases: Case[] = [
  { route: 'GET /v1/products', request: () => get('/v1/products'), allowed: Object.keys(who).concat('qa') },
  { route: 'GET /v1/sites', request: () => get('/v1/sites'), allowed: Object.keys(who).concat('qa') },
  { route: 'POST /v1/batches', request: () => post('/v1/batches', enrolBody()), allowed: ['coordinator', 'admin'], unchanged: byPatientRef },
  {
    route: 'GET /v1/batches', request: () => get('/v1/batches'),
    allowed: ['coordinator', 'coordinator-facility', 'coordinator-elsewhere', 'scheduler', 'scheduler-at-apheresis', 'qa', 'qa-elsewhere', 'admin', 'courier', 'courier-elsewhere', 'manufacturing', 'qc-lab'],
  },
  { route: 'GET /v1/batches/:id', request: () => get(`/v1/batches/${batchId}`), allowed: batchReaders },
  { route: 'GET /v1/batches/:id/custody', request: () => get(`/v1/batches/${batchId}/custody`), allowed: batchReaders },
  { route: 'GET /v1/batches/:id/forecasts', request: () => get(`/v1/batches/${batchId}/forecasts`), allowed: batchReaders },
  {
    route: 'POST /v1/batches/:id/handoffs',
    // Who scans which step is the domain's table (reporter-matrix.int.test.ts tries them all): the collection is the apheresis centre's.
    request: () => post(`/v1/batches/${batchId}/handoffs`, { step: 'collection', coiId, din: 'W123426000123', location: ids.apheresis }),
    allowed: ['coordinator'],
  },
  {
    route: 'POST /v1/batches/:id/milestones',
    request: () => post(`/v1/batches/${batchId}/milestones`, { milestone: 'qc-complete', at: new Date().toISOString(), source: 'lims' }),
    allowed: ['qc-lab'],
  },
  { route: 'POST /v1/batches/:id/cancel', request: () => post(`/v1/batches/${batchId}/cancel`, { reason: 'withdrawn' }), allowed: ['coordinator', 'coordinator-facility', 'admin'] },
  {
    route: 'POST /v1/batches/:id/qa-disposition',
    request: () => post(`/v1/batches/${batchId}/qa-disposition`, { decision: 'release', meaning: 'released for infusion', signingPassword: QA_PASSWORD }),
    allowed: ['qa'],
  },
  {
    route: 'POST /v1/batches/:id/excursions/:excursionId/assessment',
    request: () => post(`/v1/batches/${batchId}/excursions/exc-1/assessment`, { impact: 'none', meaning: 'no impact', signingPassword: QA_PASSWORD }),
    allowed: ['qa'],
  },
  { route: 'GET /v1/sites/:siteId/infusion-slots', request: () => get(`/v1/sites/${ids.treatment}/infusion-slots`), allowed: ['scheduler', 'coordinator', 'admin'] },
  {
    route: 'POST /v1/batches/:id/infusion-booking', request: () => post(`/v1/batches/${batchId}/infusion-booking`, { infusionDate: '2026-03-10' }),
    allowed: ['scheduler', 'coordinator', 'coordinator-facility', 'admin'],
    answer: { infusionDate: '2026-03-10', ldStart: '2026-03-05', ldEnd: '2026-03-07', chair: 'chair-2' },
  },
  {
    route: 'DELETE /v1/batches/:id/infusion-booking', request: () => ({ method: 'DELETE', url: `/v1/batches/${batchId}/infusion-booking` }),
    allowed: ['scheduler', 'coordinator', 'coordinator-facility', 'admin'],
  },
  {
    route: 'POST /v1/devices',
    request: () => post('/v1/devices', { deviceId: unique('probe'), gatewayId: unique('gw'), kind: 'bioreactor_probe', binding: { equipmentId: unit } }),
    allowed: ['gateway-admin', 'admin'], unchanged: noDevice,
  },
  { route: 'GET /v1/devices/:id', request: () => get('/v1/devices/no-such-device'), allowed: ['gateway-admin', 'coordinator', 'coordinator-facility', 'coordinator-elsewhere', 'qa', 'qa-elsewhere', 'admin'] },
  { route: 'GET /v1/excursions', request: () => get('/v1/excursions'), allowed: ['coordinator', 'coordinator-facility', 'coordinator-elsewhere', 'qa', 'qa-elsewhere', 'admin'] },
  { route: 'GET /v1/equipment', request: () => get('/v1/equipment'), allowed: ['coordinator', 'coordinator-facility', 'coordinator-elsewhere', 'qa', 'qa-elsewhere', 'gateway-admin', 'admin'] },
  { route: 'GET /v1/equipment/:id', request: () => get(`/v1/equipment/${unit}`), allowed: ['coordinator-facility', 'qa', 'gateway-admin', 'admin'] },
  {
    route: 'POST /v1/equipment/:id/service', request: () => post(`/v1/equipment/${unit}/service`, { at: new Date(Date.UTC(2026, 0, 1) + services * 60_000).toISOString() }),
    allowed: ['coordinator-facility', 'admin'], unchanged: noNewService,
  },
  { route: 'GET /v1/alerts', request: () => get('/v1/alerts'), allowed: everyUser },
  { route: 'GET /v1/telemetry', request: () => get(`/v1/telemetry?equipmentId=${unit}`), allowed: ['coordinator', 'coordinator-facility', 'coordinator-elsewhere', 'qa', 'qa-elsewhere', 'gateway-admin', 'admin'] },
  { route: 'GET /v1/qa/queue', request: () => get('/v1/qa/queue'), allowed: ['qa', 'qa-elsewhere', 'admin'] },
];

describe('access control: every route × role × site', () => {
  it.each(cases)('$route', async ({ request, allowed, unchanged, answer }) => {
    if (answer !== undefined) temporal.updateAnswer = answer;
    const outcomes: Record<string, number> = {};
    for (const name of names()) {
      temporal.calls.length = 0;
      const options = request();
      const res = await app.inject({ ...options, headers: { authorization: `Bearer ${tokens.get(name)}` } });
      outcomes[name] = res.statusCode;
      if (allowed.includes(name)) {
        expect(res.statusCode, `${name}: ${res.body}`).toBeLessThan(500);
        if (options.url === `/v1/equipment/${unit}/service` && res.statusCode === 200) services += 1;
        continue;
      }
      expect(res.json().error.code, `${name}: ${res.body}`).toBe('ERR_FORBIDDEN');
      expect(temporal.calls, `${name} reached the workflow`).toEqual([]);
      if (unchanged) expect(await unchanged(options), `${name} changed something`).toBe(true);
    }
    const granted = Object.entries(outcomes).filter(([, status]) => status !== 401 && status !== 403).map(([name]) => name);
    expect(granted.sort()).toEqual([...allowed].sort());
  });

  it('refuses the event stream to partner systems (people only)', async () => {
    for (const name of ['courier', 'manufacturing', 'qc-lab']) {
      const res = await app.inject({ method: 'GET', url: '/v1/events', headers: { authorization: `Bearer ${tokens.get(name)}` } });
      expect(res.statusCode, name).toBe(403);
    }
  });
});

describe('listings are filtered to the caller’s sites, never refused', () => {
  const listed = async (name: string, url: string) =>
    (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.get(name)}` } })).json();

  it('shows a batch to its sites’ identities only; a scheduler only through its treatment centre', async () => {
    const seen = async (name: string) => (await listed(name, '/v1/batches?limit=500')).batches.some((b: { batchId: string }) => b.batchId === batchId);
    expect(await seen('coordinator')).toBe(true);
    expect(await seen('scheduler')).toBe(true);
    expect(await seen('manufacturing')).toBe(true);
    expect(await seen('admin')).toBe(true);
    expect(await seen('coordinator-elsewhere')).toBe(false);
    expect(await seen('courier-elsewhere')).toBe(false);
    expect(await seen('scheduler-at-apheresis')).toBe(false);
  });

  it('shows equipment of the caller’s sites only', async () => {
    const seen = async (name: string) => (await listed(name, '/v1/equipment?limit=500')).equipment.some((u: { equipmentId: string }) => u.equipmentId === unit);
    expect(await seen('gateway-admin')).toBe(true);
    expect(await seen('coordinator-elsewhere')).toBe(false);
  });
});

describe('patientRef', () => {
  const read = (name: string, url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.get(name)}` } });

  it("shows the hospital's reference to the treatment centre's scheduler and coordinator only", async () => {
    const [row] = await db.select({ patientRef: batches.patientRef }).from(batches).where(eq(batches.id, batchId));
    const detail = async (name: string) => (await read(name, `/v1/batches/${batchId}`)).json();
    expect((await detail('scheduler')).patientRef).toBe(row!.patientRef);
    expect((await detail('coordinator')).patientRef).toBe(row!.patientRef);
    for (const name of ['admin', 'qa', 'courier', 'manufacturing', 'coordinator-facility']) {
      const body = await detail(name);
      expect(body.coiId, name).toBe(coiId);
      expect(body.patientRef, name).toBeUndefined();
    }
    const inList = async (name: string) => (await read(name, '/v1/batches?limit=500')).json().batches.find((b: { batchId: string }) => b.batchId === batchId);
    expect((await inList('scheduler')).patientRef).toBe(row!.patientRef);
    expect((await inList('admin')).patientRef).toBeUndefined();
    // A coordinator of another site neither sees the batch listed nor may read it.
    expect(await inList('coordinator-elsewhere')).toBeUndefined();
    expect((await read('coordinator-elsewhere', `/v1/batches/${batchId}`)).statusCode).toBe(403);
  });
});
