import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../deps.js';
import { API_ERR, ApiError, errorBodySchema } from '../errors.js';
import { readinessTimeoutMs } from '../batch-workflow.js';
import { healthSchema, readySchema } from '../schemas/reference.js';

/**
 * /healthz: the process is up (a liveness probe restarts it otherwise). /readyz: it can do its work,
 * i.e. PostgreSQL and Temporal both answer; a load balancer sends no traffic until they do.
 */
const health: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: healthSchema } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Readiness: PostgreSQL and Temporal answer', response: { 200: readySchema, 503: errorBodySchema } } },
    async () => {
      const timeoutMs = readinessTimeoutMs(deps);
      const [postgres, temporal] = await Promise.all([
        probe(() => deps.pool.query('select 1'), timeoutMs),
        probe(() => deps.temporal.withDeadline(Date.now() + timeoutMs, () => deps.temporal.workflowService.getSystemInfo({})), timeoutMs),
      ]);
      if (postgres && temporal) return { status: 'ready' as const, checks: { postgres: 'up' as const, temporal: 'up' as const } };
      const down = [postgres ? [] : ['postgres'], temporal ? [] : ['temporal']].flat();
      throw new ApiError(503, API_ERR.UNAVAILABLE, `Not ready: ${down.join(' and ')} did not answer within ${timeoutMs} ms.`);
    },
  );
};

/** True when `check` answers in time; a hung pool or connection must not hang the probe. */
async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export default health;
