import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { Config } from '../../../config.js';
import { ApiError, unauthenticated } from '../../errors.js';
import type { TokenVerifier } from '../verifier.js';
import type { OidcEndpoints } from './oidc-provider-endpoints.js';
import { SIGN_IN_ERR, type SignedIn } from './password-sign-in.js';

/**
 * The last step of the authorization code flow with PKCE: the dashboard (a public client: no
 * secret) sends the code and its code verifier; the API redeems them at the provider's token
 * endpoint and answers the access token only once the API itself accepts it (issuer, audience,
 * V2V's claims). Redeeming here rather than in the browser means the provider need not allow the
 * dashboard's origin for CORS and the dashboard's Content-Security-Policy can keep `connect-src
 * 'self'`. Only the access token goes back: no refresh token, and the ID token is not needed.
 */
const tokenAnswer = z.object({ access_token: z.string().min(1).max(16_384), token_type: z.string() });
const providerError = z.object({ error: z.string(), error_description: z.string().optional() });

export interface CodeExchange {
  code: string;
  codeVerifier: string;
  redirectUri: string;
}

/** What the provider said, without letting it put anything but a short line of text in our answer. */
const printable = (text: string) => text.replace(/[^\x20-\x7E]/g, '?').slice(0, 200);

export async function redeemCode(
  deps: { config: Config; verifyToken: TokenVerifier; endpoints: () => Promise<OidcEndpoints>; fetch?: typeof fetch },
  exchange: CodeExchange,
): Promise<SignedIn> {
  const clientId = deps.config.V2V_OIDC_CLIENT_ID;
  if (!clientId) throw new ApiError(409, SIGN_IN_ERR.ELSEWHERE, 'This installation has no OpenID Connect sign-in (V2V_OIDC_CLIENT_ID is unset): sign in with a user name and password.');
  const { tokenEndpoint } = await deps.endpoints();
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: exchange.code,
    code_verifier: exchange.codeVerifier,
    redirect_uri: exchange.redirectUri,
    client_id: clientId,
    ...(deps.config.V2V_OIDC_RESOURCE ? { resource: deps.config.V2V_OIDC_RESOURCE } : {}),
  });
  let status: number;
  let body: unknown;
  try {
    const response = await (deps.fetch ?? fetch)(tokenEndpoint, {
      method: 'POST',
      body: form,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    status = response.status;
    body = await response.json().catch(() => undefined);
  } catch (err) {
    throw new ApiError(503, 'ERR_UNAVAILABLE', 'The identity provider did not answer the code exchange; try signing in again.', undefined, err);
  }
  const refused = providerError.safeParse(body);
  if (status !== 200 || refused.success) {
    const why = refused.success ? `${printable(refused.data.error)}${refused.data.error_description ? `: ${printable(refused.data.error_description)}` : ''}` : `HTTP ${status}`;
    throw unauthenticated(`The identity provider refused the sign-in (${why}); sign in again.`);
  }
  const answer = tokenAnswer.safeParse(body);
  if (!answer.success || answer.data.token_type.toLowerCase() !== 'bearer') throw unauthenticated('The identity provider answered without a bearer access token.');
  const token = answer.data.access_token;
  // The API's own check, so a token it would refuse never becomes a session that fails on every call.
  await deps.verifyToken(token);
  const { exp } = decodeJwt(token);
  return { token, ...(typeof exp === 'number' ? { expiresAt: new Date(exp * 1000) } : {}) };
}
