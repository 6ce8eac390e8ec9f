import { describe, expect, it } from 'vitest';
import { equipment, maintenanceTickets } from '../../src/db/schema/index.js';
import { addDays, localDateOf } from '../../src/domain/calendar-day.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';

/** Capacity exceptions and a facility's lines × days through the API, on the real database. */
const { app, db, ids, identities, enrolBody } = stackApp();
const coordinator = userOf('coordinator', [ids.facility]);
const exceptionsUrl = (siteId = ids.facility) => `/v1/sites/${siteId}/capacity-exceptions`;

describe('capacity exceptions', () => {
  it('records who set an exception, and returns the live chains it takes a line from, moved instead of dropped', async () => {
    const enrolled = (await app.inject({ method: 'POST', url: '/v1/batches', payload: enrolBody() })).json();
    expect(enrolled.chain.line).toBe('line-1');
    const body = { resource: 'line', line: 'line-1', fromDay: enrolled.chain.lineStartDay, toDay: enrolled.chain.lineStartDay, capacity: 0, reason: 'pump replaced' };
    const res = await app.inject({ method: 'POST', url: exceptionsUrl(), payload: body, headers: await identities.bearer(coordinator) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().exception).toMatchObject({ ...body, siteId: ids.facility, setBy: coordinator.subject });
    expect(res.json().affected).toEqual([expect.objectContaining({ batchId: enrolled.batchId, chainId: enrolled.chain.chainId })]);
    expect(res.json().moved).toEqual([expect.objectContaining({ batchId: enrolled.batchId, from: expect.objectContaining({ version: 1 }) })]);

    const listed = await app.inject({ method: 'GET', url: exceptionsUrl() });
    expect(listed.json().exceptions.map((e: { id: string }) => e.id)).toContain(res.json().exception.id);
  });

  it.each([
    ['toDay', { toDay: '2030-01-01' }, 400],
    ['capacity', { line: 'line-2', capacity: 1 }, 400],
    ['fromDay', { fromDay: '2030-13-01' }, 400],
    ['resource', { resource: 'collection' }, 422],
  ])('refuses a bad %s naming it, and stores nothing', async (field, change, status) => {
    const before = (await app.inject({ method: 'GET', url: exceptionsUrl() })).json().exceptions.length;
    const body = { resource: 'line', fromDay: '2030-02-01', toDay: '2030-02-03', capacity: 1, reason: 'test', ...change };
    const res = await app.inject({ method: 'POST', url: exceptionsUrl(), payload: body });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.details[0].path).toEqual([field]);
    expect((await app.inject({ method: 'GET', url: exceptionsUrl() })).json().exceptions).toHaveLength(before);
  });

  it('is for coordinators and admins of the site: a scheduler, or a coordinator elsewhere, gets 403', async () => {
    const body = { resource: 'chair', fromDay: '2030-02-01', toDay: '2030-02-01', capacity: 0, reason: 'ward closed' };
    const scheduler = await app.inject({ method: 'POST', url: exceptionsUrl(ids.treatment), payload: body, headers: await identities.bearer(userOf('scheduler', [ids.treatment])) });
    expect(scheduler.statusCode).toBe(403);
    const elsewhere = await app.inject({ method: 'POST', url: exceptionsUrl(ids.treatment), payload: body, headers: await identities.bearer(coordinator) });
    expect(elsewhere.statusCode).toBe(403);
  });
});

describe("GET /v1/sites/{siteId}/capacity", () => {
  it("shows each line's days: reserved ahead with the batch, blocked by maintenance, blocked by an exception, free", async () => {
    const bioreactor = unique('bioreactor');
    await db.insert(equipment).values({ id: bioreactor, siteId: ids.facility, kind: 'bioreactor', line: 'line-2' });
    await db.insert(maintenanceTickets).values({ key: unique('ticket'), equipmentId: bioreactor, reason: 'risk', failureProbability7d: 0.5, openedAt: new Date() });
    // A batch of this test's own holds line-1 ahead (the first test's batch was moved off it by its exception).
    expect((await app.inject({ method: 'POST', url: '/v1/batches', payload: enrolBody() })).json().chain.line).toBe('line-1');
    const from = localDateOf(Date.now(), 'UTC');
    const closed = addDays(from, 50);
    const exception = { resource: 'line', line: 'line-1', fromDay: closed, toDay: closed, capacity: 0, reason: 'calibration' };
    expect((await app.inject({ method: 'POST', url: exceptionsUrl(), payload: exception })).statusCode).toBe(201);
    const res = await app.inject({ method: 'GET', url: `/v1/sites/${ids.facility}/capacity?from=${from}&days=60` });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json();
    expect(view.days).toHaveLength(60);
    const line1 = view.lines.find((l: { line: string }) => l.line === 'line-1').cells;
    const line2 = view.lines.find((l: { line: string }) => l.line === 'line-2').cells;
    expect(line1.some((c: { state: string; batchId?: string }) => c.state === 'reserved-ahead' && c.batchId)).toBe(true);
    expect(line1[50]).toEqual({ day: closed, state: 'blocked-exception' });
    expect(line1.some((c: { state: string }) => c.state === 'free')).toBe(true);
    // Line 2 is blocked but for the days it holds the chain the first test's exception moved onto it before the ticket.
    const line2States = line2.map((c: { state: string }) => c.state);
    expect(line2States.filter((state: string) => state !== 'reserved-ahead').every((state: string) => state === 'blocked-maintenance')).toBe(true);
    expect(line2States).toContain('blocked-maintenance');
    expect(view.days[59]).toBe(addDays(from, 59));
  });

  it('is a facility view: a treatment centre is 422', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/sites/${ids.treatment}/capacity` });
    expect(res.statusCode).toBe(422);
  });
});
