import { afterAll, describe, expect, it } from 'vitest';
import { METRICS_TOKEN, offlineApp } from './offline-app.js';

const { app, temporal, close } = offlineApp();
afterAll(close);

/** Every route of DESIGN §5 this API serves (devices, excursions and equipment belong to ingest). */
const ROUTES: Array<[string, string, { body?: boolean; query?: boolean }]> = [
  ['post', '/v1/batches', { body: true }],
  ['get', '/v1/batches', { query: true }],
  ['get', '/v1/batches/{id}', {}],
  ['post', '/v1/batches/{id}/handoffs', { body: true }],
  ['post', '/v1/batches/{id}/milestones', { body: true }],
  ['post', '/v1/batches/{id}/qa-disposition', { body: true }],
  ['post', '/v1/batches/{id}/excursions/{excursionId}/assessment', { body: true }],
  ['post', '/v1/batches/{id}/cancel', { body: true }],
  ['post', '/v1/batches/{id}/infusion-booking', { body: true }],
  ['delete', '/v1/batches/{id}/infusion-booking', {}],
  ['get', '/v1/sites/{siteId}/infusion-slots', { query: true }],
  ['get', '/v1/products', {}],
  ['get', '/v1/sites', {}],
  ['get', '/healthz', {}],
  ['get', '/readyz', {}],
  ['get', '/metrics', {}],
];

describe('operations', () => {
  it('answers /healthz while the process is up, without asking any service', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 naming the services that do not answer', async () => {
    temporal.systemInfo = () => Promise.reject(new Error('unavailable'));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'ERR_UNAVAILABLE', message: expect.stringMatching(/postgres and temporal/) });
  });

  it('exposes request counts and durations by route template and status, and process metrics', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/v1/batches/not-a-uuid' });
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/http_requests_total\{method="GET",route="\/healthz",status_code="200"\} [1-9]/);
    expect(res.body).toMatch(/http_requests_total\{method="GET",route="\/v1\/batches\/:id",status_code="400"\} 1/);
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    expect(res.body).toContain('v2v_api_process_resident_memory_bytes');
  });
});

describe('GET /metrics', () => {
  it('answers only the configured scrape token: 401 without it or with a user token, 403 when none is configured', async () => {
    for (const authorization of ['', 'Bearer wrong-token', `Bearer ${METRICS_TOKEN}x`]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().error.message).toContain('V2V_METRICS_TOKEN');
      expect(res.body).not.toContain('http_requests_total');
    }
    // A valid user token (the default identity) is not the scrape token.
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('lists every route with its request schemas, generated from the zod schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.1/);
    for (const [method, path, expects] of ROUTES) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      if (expects.body) expect(op.requestBody?.content?.['application/json']?.schema, `${method} ${path} body`).toBeDefined();
      if (expects.query) expect(op.parameters?.some((p: { in: string }) => p.in === 'query'), `${method} ${path} query`).toBe(true);
    }
    const handoff = doc.paths['/v1/batches/{id}/handoffs'].post;
    // The actor is optional in the body: the token names who acts.
    expect(handoff.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['step', 'coiId', 'din', 'location']));
    expect(handoff.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/healthz'].get.security).toBeUndefined();
    expect(doc.paths['/v1/batches/{id}/qa-disposition'].post.requestBody.content['application/json'].schema.required).toContain('signingPassword');
    expect(handoff.parameters).toContainEqual(expect.objectContaining({ in: 'path', name: 'id', required: true }));
    expect(Object.keys(handoff.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409', '422']));
    expect(doc.paths['/v1/batches'].post.requestBody.content['application/json'].schema.required).toContain('patientRef');
  });

  it('serves browsable docs at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
