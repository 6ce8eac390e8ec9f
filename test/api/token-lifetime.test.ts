import { SignJWT, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { API_AUDIENCE, LOCAL_ISSUER } from '../../src/api/auth/claims.js';
import { ensureLocalKeys, issueLocalToken } from '../../src/api/auth/local-keys.js';
import { lifetimeToIssue, TokenLifetimeError } from '../../src/api/auth/token-lifetime.js';
import { loadConfig } from '../../src/config.js';
import { offlineApp } from './offline-app.js';
import { ADMIN, machineOf, testIdentities } from './tokens.js';

/** A token is taken on trust only for a bounded time: `exp` is required and bounded, by kind. */
const identities = testIdentities();
const claims = { name: 'Test Admin', role: 'admin', kind: 'user', sites: [] };

async function signed(build: (jwt: SignJWT) => SignJWT, stackRoot = identities.stackRoot): Promise<string> {
  const { privateJwk } = await ensureLocalKeys(stackRoot);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid! }).setSubject('test-admin').setIssuer(LOCAL_ISSUER).setAudience(API_AUDIENCE);
  return build(jwt).sign(await importJWK(privateJwk, 'ES256'));
}

describe('token lifetime', () => {
  it('refuses a token without exp (401 naming the rule)', async () => {
    await expect(identities.verifyToken(await signed((j) => j.setIssuedAt()))).rejects.toMatchObject({ statusCode: 401, message: expect.stringContaining('no "exp" claim') });
  });

  it("refuses a person's token that lives longer than 8 h, however it was signed", async () => {
    const token = await signed((j) => j.setIssuedAt().setExpirationTime('9h'));
    await expect(identities.verifyToken(token)).rejects.toMatchObject({ statusCode: 401, message: expect.stringContaining('longer than a user token may (8h') });
  });

  it('accepts a partner system for longer, still bounded', async () => {
    expect(await identities.verifyToken(await issueLocalToken(identities.stackRoot, machineOf('courier', ['s']), { expiresIn: '30d' }))).toMatchObject({ kind: 'machine' });
    expect(() => lifetimeToIssue('machine', '31d', { userMaxSeconds: 8 * 3600, machineMaxSeconds: 30 * 86_400 })).toThrow(/longer than a machine token may live \(30d/);
  });

  it('will not issue past the bound, nor a span it cannot read; by default it issues the bound', async () => {
    await expect(issueLocalToken(identities.stackRoot, ADMIN, { expiresIn: '12h' })).rejects.toBeInstanceOf(TokenLifetimeError);
    await expect(issueLocalToken(identities.stackRoot, ADMIN, { expiresIn: '1h\u0000' })).rejects.toThrow(/not a span/);
    await expect(issueLocalToken(identities.stackRoot, ADMIN, { expiresIn: '9'.repeat(5000) + 'h' })).rejects.toThrow(/not a span/);
    const principal = await identities.verifyToken(await issueLocalToken(identities.stackRoot, ADMIN));
    expect(principal.token!.expiresAt - principal.token!.issuedAt!).toBe(8 * 3600 * 1000);
    expect(principal.token!.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('follows the configured bound', () => {
    expect(loadConfig({ V2V_AUTH_USER_TOKEN_MAX_HOURS: '2' }).V2V_AUTH_USER_TOKEN_MAX_HOURS).toBe(2);
    expect(() => loadConfig({ V2V_AUTH_USER_TOKEN_MAX_HOURS: '10000' })).toThrow(/V2V_AUTH_USER_TOKEN_MAX_HOURS/);
  });

  it('answers 401 through the API for a token without exp', async () => {
    const { app, close, identities: its } = offlineApp();
    const res = await app.inject({ method: 'GET', url: '/v1/products', headers: { authorization: `Bearer ${await signed((j) => j.setIssuedAt(), its.stackRoot)}` } });
    await close();
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toContain('"exp"');
  });
});

describe('a remote key set', () => {
  const remote = (url: string) => loadConfig({ V2V_AUTH_JWKS_URL: url, V2V_AUTH_ISSUER: 'https://idp.example.org/', V2V_AUTH_AUDIENCE: 'v2v' });
  it('must be https', () => {
    expect(() => remote('http://idp.example.org/jwks.json')).toThrow(/V2V_AUTH_JWKS_URL: must be https/);
    expect(remote('https://idp.example.org/jwks.json').V2V_AUTH_JWKS_URL).toBe('https://idp.example.org/jwks.json');
  });
  it('may be plain http on this machine only (tests, a sidecar)', () => {
    for (const url of ['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:9/jwks']) expect(remote(url).V2V_AUTH_JWKS_URL).toBe(url);
    expect(() => remote('http://127.0.0.1.example.org/jwks')).toThrow(/must be https/);
  });
});
