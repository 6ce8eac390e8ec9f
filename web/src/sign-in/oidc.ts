import { createApiClient } from '../../../src/api/client/index';
import type { Schemas } from '../api';
import { errorMessage } from '../api';
import { challengeOf, randomToken } from './pkce';

/**
 * Sign-in through the installation's OpenID Connect provider: authorization code + PKCE, the
 * dashboard a public client. The state and code verifier wait in sessionStorage (this tab only)
 * while the browser is at the provider; the API redeems the code (POST /auth/oidc/token) and
 * answers a token only once it accepts it.
 */
export type SignInConfig = Schemas['SignInConfig'];
type OidcConfig = Extract<SignInConfig, { method: 'oidc' }>;

const PENDING = 'v2v.oidc.pending';
const anonymous = () => createApiClient({ baseUrl: window.location.origin });
/** The dashboard's root, as registered at the provider; hash routes never reach it. */
const redirectUri = () => `${window.location.origin}/`;

export async function signInConfig(): Promise<SignInConfig> {
  const { data, error, response } = await anonymous().GET('/auth/config');
  if (!data) throw new Error(errorMessage(error, response.status));
  return data;
}

export async function startOidcSignIn(config: OidcConfig): Promise<void> {
  const state = randomToken();
  const verifier = randomToken();
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier }));
  const url = new URL(config.authorizationEndpoint);
  const params = {
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
    ...(config.resource ? { resource: config.resource } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  window.location.assign(url.toString());
}

/**
 * When the provider sent the browser back (`/?code=…&state=…` or `?error=…`): the token, or the
 * reason it failed; undefined when this load is not a return from the provider. The address bar
 * loses the code at once, so a reload or a copied link never replays it.
 */
export function finishOidcSignIn(): Promise<{ token: string } | { problem: string } | undefined> {
  // Once per page load: the code can be redeemed once, and a re-run effect must see the same answer.
  return (returned ??= redeemReturn());
}
let returned: Promise<{ token: string } | { problem: string } | undefined> | undefined;

async function redeemReturn(): Promise<{ token: string } | { problem: string } | undefined> {
  const query = new URLSearchParams(window.location.search);
  const code = query.get('code');
  const error = query.get('error');
  if (!code && !error) return undefined;
  history.replaceState(null, '', `${window.location.pathname}#/board`);
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (error) return { problem: `The identity provider refused the sign-in: ${error}${query.get('error_description') ? ` (${query.get('error_description')})` : ''}.` };
  const expected = pending ? (JSON.parse(pending) as { state?: string; verifier?: string }) : undefined;
  if (!expected?.verifier || expected.state !== query.get('state')) {
    return { problem: 'That sign-in was not started in this tab (its state does not match): sign in again.' };
  }
  const { data, error: refused, response } = await anonymous().POST('/auth/oidc/token', { body: { code: code!, codeVerifier: expected.verifier, redirectUri: redirectUri() } });
  if (!data) return { problem: `Sign-in failed: ${errorMessage(refused, response.status)}` };
  return { token: data.token };
}

export async function signInWithPassword(username: string, password: string): Promise<{ token: string } | { problem: string }> {
  const { data, error, response } = await anonymous().POST('/auth/sign-in', { body: { username, password } });
  return data ? { token: data.token } : { problem: errorMessage(error, response.status) };
}
