import { z } from 'zod';
import type { Config } from '../../../config.js';
import { API_ERR, ApiError } from '../../errors.js';

/**
 * The configured OpenID Connect provider's endpoints, from its discovery document (OpenID Connect
 * Discovery 1.0), read by the API so the dashboard needs nothing but the API's own /auth/config.
 * The document must name the issuer the API trusts (a mix-up defence), and its endpoints must be
 * https (plain http only on this machine's loopback, for development and tests).
 */
export interface OidcEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const endpoint = z.url().refine((value) => {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}, 'must be https (http only on loopback)');

const discoverySchema = z.object({ issuer: z.string(), authorization_endpoint: endpoint, token_endpoint: endpoint });

export function discoveryUrl(config: Pick<Config, 'V2V_OIDC_DISCOVERY_URL' | 'V2V_AUTH_ISSUER'>): string {
  return config.V2V_OIDC_DISCOVERY_URL ?? `${config.V2V_AUTH_ISSUER!.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

const unavailable = (why: string, cause?: unknown) =>
  new ApiError(503, API_ERR.UNAVAILABLE, `The identity provider cannot be used for sign-in now: ${why}.`, undefined, cause);

export async function discoverEndpoints(config: Config, fetchImpl: typeof fetch = fetch): Promise<OidcEndpoints> {
  const url = discoveryUrl(config);
  let body: unknown;
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' }, redirect: 'error' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (err) {
    throw unavailable(`its discovery document (${url}) could not be read`, err);
  }
  const parsed = discoverySchema.safeParse(body);
  if (!parsed.success) throw unavailable(`its discovery document is not usable (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  if (parsed.data.issuer !== config.V2V_AUTH_ISSUER) {
    throw unavailable(`its discovery document names the issuer "${parsed.data.issuer}", not V2V_AUTH_ISSUER`);
  }
  return { issuer: parsed.data.issuer, authorizationEndpoint: parsed.data.authorization_endpoint, tokenEndpoint: parsed.data.token_endpoint };
}

/** One discovery per process, tried again after a failure (the provider may start after the API). */
export function cachedEndpoints(config: Config, fetchImpl: typeof fetch = fetch): () => Promise<OidcEndpoints> {
  let pending: Promise<OidcEndpoints> | undefined;
  return () => {
    pending ??= discoverEndpoints(config, fetchImpl).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
