import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider for the sign-in tests: `oidc-provider` (by the author of jose)
 * on a free loopback port, with its development login and consent pages. The dashboard is a
 * public client (no secret, PKCE required, as the library requires for public clients); access
 * tokens for the V2V resource are JWTs carrying V2V's claims, which the API verifies against the
 * provider's JWKS exactly as it would a production provider's.
 */
export interface TestAccount {
  name: string;
  role: string;
  sites: string[];
}

export interface TestProvider {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  resource: string;
  audience: string;
  close(): Promise<void>;
}

/**
 * Listens first, so the issuer is known before the API starts; the provider itself is made at the
 * first request, when the dashboard's address (its redirect URI) is known too.
 */
export async function startTestProvider(options: { redirectUri: () => string; accounts: Record<string, TestAccount> }): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'v2v-dashboard';
  const resource = 'urn:v2v:api';
  const audience = 'v2v-api';

  const make = () => new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [options.redirectUri()],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    // The dev login page takes any login; only the accounts below have claims.
    findAccount: (_ctx, id) => {
      const account = options.accounts[id];
      return account ? { accountId: id, claims: () => ({ sub: id, name: account.name }) } : undefined;
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new Provider.errors.InvalidTarget();
          return { scope: 'openid profile', audience, accessTokenTTL: 15 * 60, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    // V2V's claims in the access token, from the account (a real provider maps them from its directory).
    extraTokenClaims: (_ctx, token) => {
      const account = 'accountId' in token && typeof token.accountId === 'string' ? options.accounts[token.accountId] : undefined;
      return account ? { name: account.name, role: account.role, kind: 'user', sites: account.sites } : undefined;
    },
    pkce: { required: () => true },
  });
  let handle: ReturnType<Provider['callback']> | undefined;
  server.on('request', (req, res) => {
    if (!handle) {
      const provider = make();
      provider.on('server_error', (_ctx, err) => console.error('test provider error', err));
      handle = provider.callback();
    }
    handle(req, res);
  });

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    clientId,
    resource,
    audience,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
