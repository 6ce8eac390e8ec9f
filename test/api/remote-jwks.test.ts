import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsOf } from '../../src/api/auth/claims.js';
import { ensureLocalKeys } from '../../src/api/auth/local-keys.js';
import { tokenVerifierFromConfig } from '../../src/api/auth/verifier.js';
import { loadConfig } from '../../src/config.js';
import { testIdentities, userOf } from './tokens.js';

/** Production's path: an OpenID Connect provider's JWKS over HTTP, its issuer and the API's audience. */
const identities = testIdentities();
const server = createServer(async (_req, res) => {
  const { jwks } = await ensureLocalKeys(identities.stackRoot);
  res.setHeader('content-type', 'application/json').end(JSON.stringify(jwks));
});
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function providerToken(issuer: string, audience: string) {
  const { privateJwk } = await ensureLocalKeys(identities.stackRoot);
  const principal = userOf('qa', ['facility-1'], 'Q. Remote');
  return new SignJWT(claimsOf(principal)).setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid! }).setSubject(principal.subject)
    .setIssuer(issuer).setAudience(audience).setExpirationTime('5m').sign(await importJWK(privateJwk, 'ES256'));
}

describe('a remote key set (V2V_AUTH_JWKS_URL)', () => {
  it("accepts the provider's tokens for this audience, and refuses the local issuer's", async () => {
    const verify = await tokenVerifierFromConfig(loadConfig({ V2V_AUTH_JWKS_URL: url, V2V_AUTH_ISSUER: 'https://idp.example.org/', V2V_AUTH_AUDIENCE: 'v2v-prod' }));
    expect(await verify(await providerToken('https://idp.example.org/', 'v2v-prod'))).toMatchObject({ name: 'Q. Remote', role: 'qa', kind: 'user' });
    await expect(verify(await providerToken('v2v-local', 'v2v-prod'))).rejects.toMatchObject({ statusCode: 401, code: 'ERR_UNAUTHENTICATED' });
    await expect(verify(await providerToken('https://idp.example.org/', 'v2v-api'))).rejects.toMatchObject({ statusCode: 401 });
  });

  it('is configured only with its issuer and audience', () => {
    expect(() => loadConfig({ V2V_AUTH_JWKS_URL: url })).toThrow(/V2V_AUTH_JWKS_URL needs V2V_AUTH_ISSUER and V2V_AUTH_AUDIENCE/);
    expect(loadConfig({}).V2V_API_HOST).toBe('127.0.0.1');
  });
});
