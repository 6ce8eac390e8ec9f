import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config.js';
import { stackPaths } from '../../stack/paths.js';
import { unauthenticated } from '../errors.js';
import { API_AUDIENCE, LOCAL_ISSUER, principalFromClaims } from './claims.js';
import { ensureLocalKeys } from './local-keys.js';
import { MACHINE_ROLES, USER_ROLES } from '../../domain/roles.js';
import type { Principal } from './principal.js';
import { DEFAULT_TOKEN_LIMITS, formatSeconds, maxLifetimeSeconds, tokenLimitsOf, type TokenLimits } from './token-lifetime.js';

/** Turns a bearer token into who is calling, or throws a 401 saying which check failed. */
export type TokenVerifier = (token: string) => Promise<Principal>;

export interface TrustedIssuer {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  limits?: TokenLimits;
}

/** Tolerated difference between the issuer's clock and ours when bounding a lifetime. */
const CLOCK_SKEW_S = 60;

/**
 * Tokens of one issuer for one audience, signed by a key of its set, with an `exp` no further away
 * than the identity's kind allows; V2V's claims must parse. Whether the token was revoked or its
 * user disabled is identity-state.ts's question, asked after this one.
 */
export function tokenVerifier({ keys, issuer, audience, limits = DEFAULT_TOKEN_LIMITS }: TrustedIssuer): TokenVerifier {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer, audience, requiredClaims: ['exp'] }));
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
    checkLifetime(payload, principal.kind, limits);
    const jti = typeof payload.jti === 'string' && payload.jti !== '' ? payload.jti : undefined;
    return {
      ...principal,
      token: { expiresAt: payload.exp! * 1000, ...(jti ? { jti } : {}), ...(payload.iat !== undefined ? { issuedAt: payload.iat * 1000 } : {}) },
    };
  };
}

/** A token that would live longer than its kind may is refused, however it was signed. */
function checkLifetime(payload: JWTPayload, kind: Principal['kind'], limits: TokenLimits) {
  const max = maxLifetimeSeconds(kind, limits);
  const now = Math.floor(Date.now() / 1000);
  const lifetime = payload.exp! - Math.min(payload.iat ?? now, now);
  if (lifetime > max + CLOCK_SKEW_S) {
    throw unauthenticated(
      `The token lives ${formatSeconds(lifetime)}, longer than a ${kind} token may (${formatSeconds(max)}, ${kind === 'user' ? 'V2V_AUTH_USER_TOKEN_MAX_HOURS' : 'V2V_AUTH_MACHINE_TOKEN_MAX_DAYS'}); ask for a shorter one.`,
      'invalid_token',
    );
  }
}

/** A sentence for the caller: which rule the token broke, never the token itself. */
function whyRefused(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The token has expired; ask for a new one.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'exp') return 'The token has no "exp" claim: this API accepts only tokens that expire.';
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
export function localTokenVerifier(jwks: JSONWebKeySet, limits: TokenLimits = DEFAULT_TOKEN_LIMITS): TokenVerifier {
  return tokenVerifier({ keys: createLocalJWKSet(jwks), issuer: LOCAL_ISSUER, audience: API_AUDIENCE, limits });
}

/** Production's OpenID Connect provider when configured, else the local key set of the stack. */
export async function tokenVerifierFromConfig(config: Config): Promise<TokenVerifier> {
  if (config.V2V_AUTH_JWKS_URL) {
    return tokenVerifier({
      keys: createRemoteJWKSet(new URL(config.V2V_AUTH_JWKS_URL)),
      // Both are required with the URL (src/config.ts), so neither is a default here.
      issuer: config.V2V_AUTH_ISSUER!,
      audience: config.V2V_AUTH_AUDIENCE!,
      limits: tokenLimitsOf(config),
    });
  }
  const { jwks } = await ensureLocalKeys(stackPaths(config).root);
  return localTokenVerifier(jwks, tokenLimitsOf(config));
}
