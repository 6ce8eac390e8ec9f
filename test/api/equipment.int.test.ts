import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { equipment, equipmentAssessments, maintenanceEvents, maintenanceTickets } from '../../src/db/schema/index.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';

const { app, db, ids } = stackApp();

const get = (url: string) => app.inject({ method: 'GET', url });
const risky = unique('bioreactor');
const quiet = unique('freezer');
const twinUnit = unique('sim-shipper');
let ticketId: string;

beforeAll(async () => {
  await db.insert(equipment).values([
    { id: risky, siteId: ids.facility, kind: 'bioreactor', line: 'line-1', installedAt: new Date('2025-01-01T00:00:00Z') },
    { id: quiet, siteId: ids.facility, kind: 'freezer' },
    { id: twinUnit, siteId: ids.facility, kind: 'dry_shipper', simulationSeed: 8_100_000_000 + Math.floor(Math.random() * 1e9) },
  ]);
  const assessment = (at: string, p: number) => ({
    key: `${risky}:assessment:${at}`, equipmentId: risky, at: new Date(at), failureProbability7d: p, rulDays: 4.5, method: 'model',
    failureModelId: 'equipment_failure_7d:bioreactor:v1', rulModelId: 'equipment_rul:bioreactor:v1',
  });
  await db.insert(equipmentAssessments).values([assessment('2026-06-01T06:00:00.000Z', 0.2), assessment('2026-06-02T06:00:00.000Z', 0.9)]);
  const [ticket] = await db
    .insert(maintenanceTickets)
    .values({ key: `${risky}:ticket`, equipmentId: risky, reason: '7-day failure probability 0.90 ≥ 0.40 (model)', failureProbability7d: 0.9, rulDays: 4.5, openedAt: new Date('2026-06-02T06:00:00.000Z') })
    .returning();
  ticketId = ticket!.id;
});

describe('GET /v1/equipment', () => {
  it("lists real units with the latest risk, RUL, method and open ticket; a unit never assessed shows nulls", async () => {
    const res = await get(`/v1/equipment?site=${ids.facility}`);
    expect(res.statusCode).toBe(200);
    const units = res.json().equipment as { equipmentId: string }[];
    expect(units.map((u) => u.equipmentId).sort()).toEqual([risky, quiet].sort());
    expect(units.find((u) => u.equipmentId === risky)).toEqual({
      equipmentId: risky, siteId: ids.facility, kind: 'bioreactor', line: 'line-1', maintenanceState: 'in_service',
      risk: 0.9, rulDays: 4.5, method: 'model', assessedAt: '2026-06-02T06:00:00.000Z',
      openTicket: { ticketId, state: 'open', reason: expect.stringContaining('0.90'), failureProbability7d: 0.9, rulDays: 4.5, openedAt: '2026-06-02T06:00:00.000Z', closedAt: null },
    });
    expect(units.find((u) => u.equipmentId === quiet)).toMatchObject({ risk: null, rulDays: null, method: null, openTicket: null });
  });

  it("lists the twin's units only when asked", async () => {
    const res = await get(`/v1/equipment?site=${ids.facility}&simulated=true`);
    expect(res.json().equipment.map((u: { equipmentId: string }) => u.equipmentId)).toEqual([twinUnit]);
  });

  it('rejects an unknown kind with the field named', async () => {
    const res = await get('/v1/equipment?kind=toaster');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ in: 'querystring', path: ['kind'] });
  });
});

describe('GET /v1/equipment/{id}', () => {
  it('shows the unit with its assessments and tickets, newest first', async () => {
    const res = await get(`/v1/equipment/${risky}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ equipmentId: risky, risk: 0.9, installedAt: '2025-01-01T00:00:00.000Z', openTicket: { ticketId } });
    expect(body.assessments.map((a: { at: string; failureProbability7d: number }) => [a.at, a.failureProbability7d])).toEqual([
      ['2026-06-02T06:00:00.000Z', 0.9],
      ['2026-06-01T06:00:00.000Z', 0.2],
    ]);
    expect(body.assessments[0]).toMatchObject({ method: 'model', failureModelId: 'equipment_failure_7d:bioreactor:v1', rulModelId: 'equipment_rul:bioreactor:v1' });
    expect(body.tickets).toEqual([expect.objectContaining({ ticketId, state: 'open' })]);
  });

  it('answers 404 in the error envelope for an unknown unit, and for a simulated one unless asked', async () => {
    for (const url of [`/v1/equipment/${unique('nothing')}`, `/v1/equipment/${twinUnit}`]) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'ERR_NOT_FOUND', message: expect.any(String) } });
    }
    expect((await get(`/v1/equipment/${twinUnit}?simulated=true`)).statusCode).toBe(200);
  });

  it('is in the OpenAPI document', async () => {
    const paths = (await get('/openapi.json')).json().paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/v1/equipment', '/v1/equipment/{id}']));
  });
});

describe('POST /v1/equipment/{id}/service', () => {
  const post = (id: string, payload: unknown) => app.inject({ method: 'POST', url: `/v1/equipment/${id}/service`, payload: payload as object });

  it('records the service and closes the open ticket, so the unit shows none; a second service closes nothing', async () => {
    const unit = unique('bioreactor');
    await db.insert(equipment).values({ id: unit, siteId: ids.facility, kind: 'bioreactor', line: 'line-2' });
    const [open] = await db
      .insert(maintenanceTickets)
      .values({ key: `${unit}:ticket`, equipmentId: unit, reason: 'risk', failureProbability7d: 0.8, openedAt: new Date('2026-06-03T00:00:00Z') })
      .returning();
    const res = await post(unit, { at: '2026-06-04T08:00:00Z' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ equipmentId: unit, servicedAt: '2026-06-04T08:00:00.000Z', closedTicket: { ticketId: open!.id, state: 'closed', closedAt: '2026-06-04T08:00:00.000Z' } });
    expect((await get(`/v1/equipment/${unit}`)).json()).toMatchObject({ openTicket: null, maintenanceState: 'in_service' });
    const services = await db.select().from(maintenanceEvents).where(eq(maintenanceEvents.equipmentId, unit));
    expect(services.map((s) => [s.kind, s.at.toISOString()])).toEqual([['service', '2026-06-04T08:00:00.000Z']]);
    expect((await post(unit, {})).json()).toMatchObject({ closedTicket: null });
  });

  it('refuses a bad instant naming the field, and an unknown unit with 404', async () => {
    const bad = await post(quiet, { at: 'yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('at');
    expect((await post(unique('nothing'), {})).statusCode).toBe(404);
  });
});
