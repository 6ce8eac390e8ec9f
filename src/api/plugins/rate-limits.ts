import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';

/**
 * Two request budgets per minute (in memory, per API process): one per client address, spent
 * before authentication, so a flood of bad tokens costs the flooder; one per authenticated caller
 * (token subject), spent after, so one partner system cannot starve the others. Probes are exempt.
 * Answers 429 ERR_RATE_LIMITED with Retry-After. Behind a proxy every caller shares its address:
 * raise the address budget or set it to 0 there.
 */
export const RATE_LIMITED = 'ERR_RATE_LIMITED';
const WINDOW_MS = 60_000;
const EXEMPT = new Set(['/healthz', '/readyz']);

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

async function spend(limiter: Limiter, request: FastifyRequest, what: string): Promise<void> {
  const result = await limiter(request);
  if (result.isAllowed || !result.isExceeded) return;
  const error = new ApiError(429, RATE_LIMITED, `Too many requests ${what}: at most ${result.max} a minute; retry in ${result.ttlInSeconds} s.`);
  error.headers = { 'retry-after': String(result.ttlInSeconds) };
  throw error;
}

/** Registered before authentication: its onRequest hook runs first. */
export const addressLimit = fp<{ deps: ApiDeps }>(
  async (app, { deps }) => {
    await app.register(rateLimit, { global: false });
    const max = deps.config.V2V_RATE_LIMIT_IP_PER_MINUTE;
    if (max === 0) return;
    const limiter = app.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator: (request) => `ip:${request.ip}` });
    app.addHook('onRequest', async (request) => {
      if (!EXEMPT.has(request.routeOptions.url ?? '')) await spend(limiter, request, 'from this address');
    });
  },
  { name: 'v2v-address-limit' },
);

/** Registered after authentication: the caller is known. */
export const callerLimit = fp<{ deps: ApiDeps }>(
  async (app, { deps }) => {
    const max = deps.config.V2V_RATE_LIMIT_PER_MINUTE;
    if (max === 0) return;
    const limiter = app.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator: (request) => `sub:${request.principal?.subject ?? ''}` });
    app.addHook('preHandler', async (request) => {
      if (request.principal) await spend(limiter, request, `from ${request.principal.subject}`);
    });
  },
  { name: 'v2v-caller-limit', dependencies: ['v2v-address-limit'] },
);
