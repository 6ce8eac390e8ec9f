import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config.js';
import { stackPaths } from '../../stack/paths.js';
import { unauthenticated } from '../errors.js';
import { API_AUDIENCE, LOCAL_ISSUER, principalFromClaims } from './claims.js';
import { ensureLocalKeys } from './local-keys.js';
import { MACHINE_ROLES, USER_ROLES } from '../../domain/roles.js';
import type { Principal } from './principal.js';

/** Turns a bearer token into who is calling, or throws a 401 saying which check failed. */
export type TokenVerifier = (token: string) => Promise<Principal>;

export interface TrustedIssuer {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

/** Tokens of one issuer for one audience, signed by a key of its set; V2V's claims must parse. */
export function tokenVerifier({ keys, issuer, audience }: TrustedIssuer): TokenVerifier {
  return async (token) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer, audience }));
    } catch (err) {
      throw unauthenticated(whyRefused(err), 'invalid_token');
    }
    let principal: Principal;
    try {
      principal = principalFromClaims(payload);
    } catch {
      throw unauthenticated("The token lacks V2V's claims (name, role, kind, sites) or one of them is invalid.", 'invalid_token');
    }
    const roles: readonly string[] = principal.kind === 'user' ? USER_ROLES : MACHINE_ROLES;
    if (!roles.includes(principal.role)) throw unauthenticated(`The token's role "${principal.role}" is not a ${principal.kind} role.`, 'invalid_token');
    return principal;
  };
}

/** A sentence for the caller: which rule the token broke, never the token itself. */
function whyRefused(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The token has expired; ask for a new one.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'The token is meant for another audience than this API.';
    if (err.claim === 'iss') return 'The token was issued by an issuer this API does not trust.';
    return `The token's "${err.claim}" claim is not accepted: ${err.reason}.`;
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) {
    return "The token's signature does not verify against the trusted key set.";
  }
  if (err instanceof errors.JOSEError) return 'The token is not a well-formed signed JWT.';
  return 'The token could not be verified.';
}

/** The local development key set, as `v2v users add` and `v2v token` sign with it. */
export function localTokenVerifier(jwks: JSONWebKeySet): TokenVerifier {
  return tokenVerifier({ keys: createLocalJWKSet(jwks), issuer: LOCAL_ISSUER, audience: API_AUDIENCE });
}

/** Production's OpenID Connect provider when configured, else the local key set of the stack. */
export async function tokenVerifierFromConfig(config: Config): Promise<TokenVerifier> {
  if (config.V2V_AUTH_JWKS_URL) {
    return tokenVerifier({
      keys: createRemoteJWKSet(new URL(config.V2V_AUTH_JWKS_URL)),
      // Both are required with the URL (src/config.ts), so neither is a default here.
      issuer: config.V2V_AUTH_ISSUER!,
      audience: config.V2V_AUTH_AUDIENCE!,
    });
  }
  const { jwks } = await ensureLocalKeys(stackPaths(config).root);
  return localTokenVerifier(jwks);
}
