import { SignJWT, generateKeyPair, importJWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalKeys } from '../../src/api/auth/local-keys.js';
import { claimsOf } from '../../src/api/auth/claims.js';
import { ROUTE_ACCESS } from '../../src/api/auth/route-access.js';
import { BATCH_ID, offlineApp } from './offline-app.js';
import { ADMIN, machineOf, userOf } from './tokens.js';

const { app, identities, temporal, close } = offlineApp();
afterAll(close);

/** Any token, signed with the test's own key (or `key`), with the claims and registered fields asked for. */
async function craft(options: { issuer?: string; audience?: string; expiresAt?: number; key?: 'own' | 'other'; claims?: object } = {}) {
  const { privateJwk } = await ensureLocalKeys(identities.stackRoot);
  const key = options.key === 'other' ? (await generateKeyPair('ES256')).privateKey : await importJWK(privateJwk, 'ES256');
  const kid = options.key === 'other' ? 'other-key' : privateJwk.kid!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claimsOf(ADMIN), ...options.claims })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(ADMIN.subject)
    .setIssuer(options.issuer ?? 'v2v-local')
    .setAudience(options.audience ?? 'v2v-api')
    .setIssuedAt(now - 7200)
    .setExpirationTime(options.expiresAt ?? now + 3600)
    .sign(key);
}

const getSites = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/v1/batches/not-a-uuid', headers });

describe('authentication of /v1 routes', () => {
  it.each([
    ['no token', async () => ({ authorization: '' }), /requires a bearer token/],
    ['a malformed Authorization header', async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' }), /must be "Bearer <token>"/],
    ['an expired token', async () => ({ authorization: `Bearer ${await craft({ expiresAt: Math.floor(Date.now() / 1000) - 60 })}` }), /expired/],
    ['a token signed by another key (same kid)', async () => {
      const { privateJwk } = await ensureLocalKeys(identities.stackRoot);
      const forged = await new SignJWT(claimsOf(ADMIN)).setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid! }).setSubject('x').setIssuer('v2v-local')
        .setAudience('v2v-api').setExpirationTime('1h').sign((await generateKeyPair('ES256')).privateKey);
      return { authorization: `Bearer ${forged}` };
    }, /signature does not verify/],
    ['a token signed by an unknown key', async () => ({ authorization: `Bearer ${await craft({ key: 'other' })}` }), /signature does not verify/],
    ['a token for another audience', async () => ({ authorization: `Bearer ${await craft({ audience: 'another-api' })}` }), /another audience/],
    ['a token of another issuer', async () => ({ authorization: `Bearer ${await craft({ issuer: 'https://evil.example' })}` }), /issuer this API does not trust/],
    ['a token without V2V claims', async () => ({ authorization: `Bearer ${await craft({ claims: { role: 'superuser' } })}` }), /lacks V2V's claims/],
    ['a user token with a machine role', async () => ({ authorization: `Bearer ${await craft({ claims: { role: 'courier', kind: 'user' } })}` }), /not a user role/],
    ['garbage', async () => ({ authorization: 'Bearer not.a.jwt' }), /not a well-formed/],
  ])('answers 401 ERR_UNAUTHENTICATED for %s, before validating anything, without echoing the token', async (_what, headers, reason) => {
    const sent = await headers();
    const res = await getSites(sent);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('ERR_UNAUTHENTICATED');
    expect(res.json().error.message).toMatch(reason);
    const token = (sent as { authorization?: string }).authorization?.split(' ')[1];
    if (token) expect(res.body).not.toContain(token);
  });

  it('challenges with WWW-Authenticate as RFC 6750 asks: invalid_token for a token that fails, no error code without one', async () => {
    const challenge = async (authorization: string) => (await getSites({ authorization })).headers['www-authenticate'];
    expect(await challenge('')).toBe('Bearer realm="v2v"');
    expect(await challenge('Basic YWRtaW46YWRtaW4=')).toBe('Bearer realm="v2v"');
    expect(await challenge('Bearer not.a.jwt')).toBe('Bearer realm="v2v", error="invalid_token"');
    expect(await challenge(`Bearer ${await craft({ audience: 'another-api' })}`)).toBe('Bearer realm="v2v", error="invalid_token"');
  });

  it('accepts a valid token (the request then fails validation, not authentication)', async () => {
    const res = await getSites(await identities.bearer(ADMIN));
    expect(res.statusCode).toBe(400);
  });

  it('keeps health and the OpenAPI document public (metrics take their own token: test/api/operations.test.ts)', async () => {
    for (const url of ['/healthz', '/openapi.json']) {
      expect((await app.inject({ method: 'GET', url, headers: { authorization: '' } })).statusCode, url).toBe(200);
    }
  });

  it('takes ?access_token= on the event stream only', async () => {
    const token = await identities.tokenFor(ADMIN);
    const elsewhere = await app.inject({ method: 'GET', url: `/v1/batches?access_token=${token}`, headers: { authorization: '' } });
    expect(elsewhere.statusCode).toBe(401);
    const forgedOnStream = await app.inject({ method: 'GET', url: '/v1/events?access_token=not.a.jwt', headers: { authorization: '' } });
    expect(forgedOnStream.statusCode).toBe(401);
    // A machine's valid token is read from the query (so the answer is 403 for its role, not 401).
    const machine = await identities.tokenFor(machineOf('courier', ['site-a']));
    const read = await app.inject({ method: 'GET', url: `/v1/events?access_token=${machine}`, headers: { authorization: '' } });
    expect(read.statusCode).toBe(403);
    expect(read.body).not.toContain(machine);
  });

  it('answers 403 ERR_FORBIDDEN naming the role when the role may not call the route', async () => {
    const res = await app.inject({
      method: 'POST', url: `/v1/batches/${BATCH_ID}/qa-disposition`, headers: await identities.bearer(ADMIN),
      payload: { decision: 'release', meaning: 'released', signingPassword: 'whatever-it-is' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({ code: 'ERR_FORBIDDEN', message: expect.stringContaining('The role "admin" may not call POST /v1/batches/:id/qa-disposition') });
    expect(temporal.calls).toEqual([]);
  });
});

describe('the access table', () => {
  it('has a row for every /v1 route the app registers, and none for routes that do not exist', async () => {
    const { app: probe, close: closeProbe } = offlineApp();
    const registered: string[] = [];
    probe.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (route.url.startsWith('/v1/') && method !== 'HEAD') registered.push(`${method} ${route.url}`);
    });
    await probe.ready();
    await closeProbe();
    expect(registered.length).toBeGreaterThan(20);
    expect(registered.filter((key) => !(key in ROUTE_ACCESS))).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((key) => !registered.includes(key))).toEqual([]);
  });

  it('refuses a /v1 route that has no row to everyone, admin included (fail closed)', async () => {
    const { app: extended, identities: ids, close: closeExtended } = offlineApp();
    extended.get('/v1/unlisted', async () => ({ secret: true }));
    const res = await extended.inject({ method: 'GET', url: '/v1/unlisted', headers: await ids.bearer(ADMIN) });
    await closeExtended();
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('GET /v1/unlisted has no access rule');
  });

  it('keeps admin out of QA signatures and a scheduler out of enrolment', () => {
    expect(ROUTE_ACCESS['POST /v1/batches/:id/qa-disposition']!.roles).toEqual(['qa']);
    expect(ROUTE_ACCESS['POST /v1/batches/:id/excursions/:excursionId/assessment']!.roles).toEqual(['qa']);
    expect(ROUTE_ACCESS['POST /v1/batches']!.roles).not.toContain(userOf('scheduler', []).role);
  });
});

