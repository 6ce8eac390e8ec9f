import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { sites } from '../../src/db/schema/index.js';
import type { BatchStatus } from '../../workflows/messages.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { validHandoff } from './offline-app.js';
import { ADMIN, userOf, type TestIdentities } from './tokens.js';

const { app, db, pool, temporal, config, ids, identities, enrolBody, enrolled } = stackApp();
const minutes = (n: number) => n * 60_000;

/** The same API with small budgets, so a test can spend them. */
function limitedApp(perCaller: number, perAddress: number) {
  const limited = buildApp({ temporal: temporal.client, db, pool, logger: pino({ level: 'silent' }), verifyToken: identities.verifyToken, config: { ...config, V2V_RATE_LIMIT_PER_MINUTE: perCaller, V2V_RATE_LIMIT_IP_PER_MINUTE: perAddress } });
  afterAll(() => limited.close());
  return limited;
}
const asCaller = async (ids: TestIdentities, who = ADMIN) => ids.bearer(who);

describe('GET /v1/sites/{siteId}/infusion-slots?batchId=', () => {
  it("refuses a batch of another treatment centre with 404 naming batchId, revealing nothing of it", async () => {
    const elsewhere = unique('treatment');
    await db.insert(sites).values({ id: elsewhere, kind: 'treatment_center', name: 'Another unit' });
    const { batchId, coiId } = (await app.inject({ method: 'POST', url: '/v1/batches', payload: { ...enrolBody(), treatmentCenterId: elsewhere } })).json();
    const status: BatchStatus = {
      batchId, coiId, productId: ids.product, stage: 'RECEIVED_AT_SITE', attempt: 1,
      awaiting: { kind: 'infusion-booking', earliest: '2026-04-01T00:00:00.000Z', latest: '2026-04-15T00:00:00.000Z' },
      timeline: [], issues: [], shipments: [], quarantined: false,
    };
    temporal.status = status;
    const scheduler = userOf('scheduler', [ids.treatment]);
    const res = await app.inject({ method: 'GET', url: `/v1/sites/${ids.treatment}/infusion-slots?batchId=${batchId}`, headers: await identities.bearer(scheduler) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'querystring', path: ['batchId'] }));
    expect(res.body).not.toContain('2026-04-15');
    expect(temporal.calls.filter((c) => c.kind === 'query')).toEqual([]);
  });
});

describe('rate limits', () => {
  const limited = limitedApp(3, 6);
  it('gives each caller its own budget: the fourth request in a minute is 429 with Retry-After, another caller still passes', async () => {
    const first = await asCaller(identities);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.inject({ method: 'GET', url: '/v1/products', headers: first })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await limited.inject({ method: 'GET', url: '/v1/products', headers: first });
    expect(refused.json().error).toMatchObject({ code: 'ERR_RATE_LIMITED', message: expect.stringContaining('at most 3 a minute') });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const other = await limited.inject({ method: 'GET', url: '/v1/products', headers: await asCaller(identities, userOf('coordinator', [ids.treatment])) });
    expect(other.statusCode).toBe(200);
  });

  it('spends the address budget before authentication, so a flood of bad tokens is turned away unverified', async () => {
    // The address has spent 6 above; a bad token is now refused for the rate, not the token.
    const res = await limited.inject({ method: 'GET', url: '/v1/products', headers: { authorization: 'Bearer not.a.jwt' } });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.message).toContain('from this address');
    expect((await limited.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('headers, request ids, timeouts and metrics', () => {
  it('sends security headers with a same-origin Content-Security-Policy on API answers and the dashboard', async () => {
    for (const url of ['/v1/products', '/', '/docs/']) {
      const res = await app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it("makes its own request id and never takes the client's", async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/products', headers: { 'x-request-id': 'forged-id\u0000' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).not.toContain('forged');
    const again = await app.inject({ method: 'GET', url: '/v1/products', headers: { 'x-request-id': 'forged-id' } });
    expect(again.headers['x-request-id']).not.toBe(res.headers['x-request-id']);
  });

  it('bounds how long a request may take to arrive and how long a connection may idle', () => {
    expect(app.server.requestTimeout).toBe(30_000);
    expect(app.server.timeout).toBe(120_000);
  });

  it('refuses /metrics when no scrape token is configured, naming the variable', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: '' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('V2V_METRICS_TOKEN');
  });
});

describe('client-supplied times', () => {
  // The apheresis centre's staff report its steps (collection, apheresis-scheduled): the reporter table.
  const collector = userOf('coordinator', [ids.apheresis]);
  const post = async (url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: await identities.bearer(collector) });
  it("refuses a hand-off time more than the skew ahead of the server's clock with 422 naming at and the rule", async () => {
    const { batchId, coiId } = await enrolled();
    const res = await post(`/v1/batches/${batchId}/handoffs`, { ...validHandoff, coiId, at: new Date(Date.now() + minutes(10)).toISOString() });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'body', path: ['at'], code: 'in_future' }));
    expect(temporal.calls.filter((c) => c.kind === 'update')).toEqual([]);
  });

  it('refuses a milestone dated before the batch was enrolled, and takes one dated now', async () => {
    const { batchId } = await enrolled();
    const before = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'apheresis-scheduled', at: '2020-01-01T00:00:00.000Z', source: 'x' });
    expect(before.statusCode).toBe(422);
    expect(before.json().error.details).toContainEqual(expect.objectContaining({ path: ['at'], code: 'before_previous_event' }));
    expect(temporal.calls.filter((c) => c.kind === 'signal')).toEqual([]);
    const now = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'apheresis-scheduled', at: new Date().toISOString(), source: 'x' });
    expect(now.statusCode).toBe(202);
  });
});
