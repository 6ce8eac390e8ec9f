import { afterAll, describe, expect, it } from 'vitest';
import { BATCH_ID, offlineApp, validHandoff } from './offline-app.js';
import { userOf } from './tokens.js';

const { app, temporal, identities, close } = offlineApp();
afterAll(close);

// A coordinator may call every route posted here (admin reports no hand-off or milestone): validation answers before the site check.
const post = async (url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: await identities.bearer(userOf('coordinator', ['site-1'])) });

describe('bad input is rejected at the edge with the field that is wrong', () => {
  it('names a missing nested field of a hand-off by its path', async () => {
    const res = await post(`/v1/batches/${BATCH_ID}/handoffs`, { ...validHandoff, actor: { role: 'nurse' } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('ERR_VALIDATION');
    expect(error.message).toContain('body.actor.name');
    expect(error.details).toContainEqual(expect.objectContaining({ in: 'body', path: ['actor', 'name'] }));
  });

  it.each([
    ['cancel', { reason: 'withdrew\u0000consent' }, ['reason'], 'must not contain the NUL character'],
    ['cancel', { reason: 'x'.repeat(2001) }, ['reason'], 'at most 2000 characters'],
    ['handoffs', { ...validHandoff, location: 'Bay \uD800 2' }, ['location'], 'lone UTF-16 surrogate'],
    ['milestones', { milestone: 'qc-complete', at: '2026-02-01T10:00:00Z', source: 'lims', data: { note: 'x'.repeat(5000) } }, ['data'], 'at most 4096 bytes'],
    ['milestones', { milestone: 'qc-complete', at: '2026-02-01T10:00:00Z', source: 'lims', data: { a: { b: { c: { d: { e: 1 } } } } } }, ['data', 'a', 'b', 'c', 'd', 'e'], 'nest deeper'],
  ])('refuses hostile text in %s with 400 naming the field and the rule, and asks no workflow', async (route, body, path, rule) => {
    const res = await post(`/v1/batches/${BATCH_ID}/${route}`, body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('ERR_VALIDATION');
    expect(error.details).toContainEqual(expect.objectContaining({ in: 'body', path, message: expect.stringContaining(rule) }));
    expect(temporal.calls).toEqual([]);
  });

  it('names an unknown hand-off step', async () => {
    const res = await post(`/v1/batches/${BATCH_ID}/handoffs`, { ...validHandoff, step: 'teleport' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['step'] }));
  });

  it('refuses an enrolment without patientRef and starts nothing', async () => {
    const res = await post('/v1/batches', { productId: 'p', treatmentCenterId: 't', apheresisCenterId: 'a' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'body', path: ['patientRef'] }));
    expect(temporal.calls).toEqual([]);
  });

  it('requires a reason to reject a batch (a rule across fields)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/batches/${BATCH_ID}/qa-disposition`,
      headers: await identities.bearer(userOf('qa', ['facility-1'])),
      payload: { decision: 'reject', signingPassword: 'not echoed anywhere', meaning: 'rejected' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['reason'] }));
    expect(res.body).not.toContain('not echoed anywhere');
  });

  it('names a missing signing password and a wrongly typed one without echoing it', async () => {
    const headers = await identities.bearer(userOf('qa', ['facility-1']));
    const missing = await app.inject({ method: 'POST', url: `/v1/batches/${BATCH_ID}/qa-disposition`, headers, payload: { decision: 'release', meaning: 'released' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toContainEqual(expect.objectContaining({ in: 'body', path: ['signingPassword'] }));
    const tooLong = 'secret-'.repeat(200);
    const long = await app.inject({ method: 'POST', url: `/v1/batches/${BATCH_ID}/qa-disposition`, headers, payload: { decision: 'release', meaning: 'released', signingPassword: tooLong } });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details).toContainEqual(expect.objectContaining({ path: ['signingPassword'] }));
    expect(long.body).not.toContain('secret-');
    expect(temporal.calls).toEqual([]);
  });

  it('rejects a batch id that is not a uuid, naming the path parameter', async () => {
    const res = await post('/v1/batches/not-a-uuid/cancel', { reason: 'withdrawn', actor: { name: 'A', role: 'physician' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'params', path: ['id'] }));
  });

  it('rejects a milestone at a time without an offset', async () => {
    const res = await post(`/v1/batches/${BATCH_ID}/milestones`, { milestone: 'qc-complete', at: '2026-01-01T10:00:00', source: 'lims' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['at'] }));
  });

  it('answers malformed JSON with a 400 in the same error shape', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/batches', headers: { 'content-type': 'application/json' }, payload: '{"productId":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'ERR_VALIDATION', message: expect.any(String) } });
  });

  it('answers an unknown route with 404 ERR_NOT_FOUND', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ERR_NOT_FOUND', message: 'No route GET /v1/nothing-here.' } });
  });

  it('checks the range of infusion slots before touching the database', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/sites/x/infusion-slots?from=tomorrow' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'querystring', path: ['from'] }));
  });
});
