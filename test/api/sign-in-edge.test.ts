import { afterAll, describe, expect, it } from 'vitest';
import { discoverEndpoints } from '../../src/api/auth/sign-in/oidc-provider-endpoints.js';
import { loadConfig } from '../../src/config.js';
import { offlineApp } from './offline-app.js';

/** What the sign-in routes refuse on their own, before any database or provider is asked. */
const { app, close } = offlineApp();
afterAll(close);

const VERIFIER = 'a'.repeat(43);
const exchange = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/auth/oidc/token', payload: { code: 'abc', codeVerifier: VERIFIER, redirectUri: 'http://127.0.0.1:3000/', ...body } });
const errorOf = (res: { json: <T>() => T }) => res.json<{ error: { code: string; message: string } }>().error;

describe('the code exchange edge', () => {
  it('names the field and the rule for a NUL byte, a huge code, a short verifier and a non-http redirect', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ code: 'ab\u0000c' }, 'code'],
      [{ code: 'x'.repeat(3000) }, 'code'],
      [{ codeVerifier: 'short' }, 'codeVerifier'],
      [{ codeVerifier: `${VERIFIER}\u0000` }, 'codeVerifier'],
      [{ redirectUri: 'javascript:alert(1)' }, 'redirectUri'],
      [{ extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await exchange(body);
      expect(res.statusCode, field).toBe(400);
      expect(errorOf(res).message).toContain(field);
    }
  });

  it('answers 409 when this installation has no OpenID Connect client configured', async () => {
    const res = await exchange({});
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('ERR_SIGN_IN_ELSEWHERE');
  });
});

describe('the provider discovery', () => {
  const config = loadConfig({
    V2V_AUTH_JWKS_URL: 'https://login.example.org/jwks',
    V2V_AUTH_ISSUER: 'https://login.example.org',
    V2V_AUTH_AUDIENCE: 'v2v-api',
    V2V_OIDC_CLIENT_ID: 'v2v-dashboard',
  });
  const answering = (body: unknown) => (async () => new Response(JSON.stringify(body), { status: 200 })) as unknown as typeof fetch;
  const good = { issuer: 'https://login.example.org', authorization_endpoint: 'https://login.example.org/auth', token_endpoint: 'https://login.example.org/token' };

  it('takes the endpoints of the issuer the API trusts', async () => {
    expect(await discoverEndpoints(config, answering(good))).toEqual({ issuer: good.issuer, authorizationEndpoint: good.authorization_endpoint, tokenEndpoint: good.token_endpoint });
  });

  it('refuses a document naming another issuer, and plain http away from loopback', async () => {
    await expect(discoverEndpoints(config, answering({ ...good, issuer: 'https://evil.example.org' }))).rejects.toThrow(/names the issuer/);
    await expect(discoverEndpoints(config, answering({ ...good, token_endpoint: 'http://login.example.org/token' }))).rejects.toThrow(/https/);
  });

  it('needs an identity provider the API trusts before it takes a client id', () => {
    expect(() => loadConfig({ V2V_OIDC_CLIENT_ID: 'v2v-dashboard' })).toThrow(/V2V_OIDC_CLIENT_ID/);
  });
});
