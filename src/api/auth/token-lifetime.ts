import type { Config } from '../../config.js';
import type { Principal } from './principal.js';

/**
 * How long a token may live: a person's a working day (8 h), a partner system's longer but bounded
 * (30 days), both configurable (src/config.ts). The issuer refuses to sign a longer one and the
 * verifier refuses to accept one, whoever signed it; a token without `exp` is refused outright.
 */
export interface TokenLimits {
  userMaxSeconds: number;
  machineMaxSeconds: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = { userMaxSeconds: 8 * 3600, machineMaxSeconds: 30 * 86_400 };

export function tokenLimitsOf(config: Pick<Config, 'V2V_AUTH_USER_TOKEN_MAX_HOURS' | 'V2V_AUTH_MACHINE_TOKEN_MAX_DAYS'>): TokenLimits {
  return { userMaxSeconds: Math.round(config.V2V_AUTH_USER_TOKEN_MAX_HOURS * 3600), machineMaxSeconds: Math.round(config.V2V_AUTH_MACHINE_TOKEN_MAX_DAYS * 86_400) };
}

export const maxLifetimeSeconds = (kind: Principal['kind'], limits: TokenLimits) => (kind === 'user' ? limits.userMaxSeconds : limits.machineMaxSeconds);

/** `90s`, `45m`, `8h`, `30d`, `2w` as seconds; undefined for anything else. */
export const LIFETIME_SPAN = /^([1-9]\d{0,6})([smhdw])$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

export function spanSeconds(span: string): number | undefined {
  const match = LIFETIME_SPAN.exec(span);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** A span as people read it back: 28800 → "8h", 2592000 → "30d". */
export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export class TokenLifetimeError extends Error {
  override name = 'TokenLifetimeError';
}

/** The lifetime to sign for: the asked span, or the longest allowed; refused when over the bound. */
export function lifetimeToIssue(kind: Principal['kind'], asked: string | undefined, limits: TokenLimits): number {
  const max = maxLifetimeSeconds(kind, limits);
  if (asked === undefined) return max;
  const seconds = spanSeconds(asked);
  if (seconds === undefined) throw new TokenLifetimeError(`--expires "${asked}" is not a span like 8h, 45m or 30d.`);
  if (seconds > max) {
    throw new TokenLifetimeError(`--expires ${asked} is longer than a ${kind} token may live (${formatSeconds(max)}; ${kind === 'user' ? 'V2V_AUTH_USER_TOKEN_MAX_HOURS' : 'V2V_AUTH_MACHINE_TOKEN_MAX_DAYS'}).`);
  }
  return seconds;
}
