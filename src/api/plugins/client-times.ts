import { eq, max } from 'drizzle-orm';
import fp from 'fastify-plugin';
import { batches, custodyEvents } from '../../db/schema/index.js';
import { ERR } from '../../domain/errors.js';
import { checkClientTime } from '../../domain/client-time.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';

/**
 * Checks the client-supplied `at` of hand-offs and milestones against the server's clock
 * (V2V_CLIENT_CLOCK_SKEW_MS ahead at most) and the batch's last recorded event, before the
 * command reaches the workflow: 422 naming `at` and the rule. A batch that does not exist is left
 * to the route's 404.
 */
const ROUTES = new Set(['/v1/batches/:id/handoffs', '/v1/batches/:id/milestones']);

export default fp<{ deps: ApiDeps }>(
  async (app, { deps }) => {
    app.addHook('preHandler', async (request) => {
      if (request.method !== 'POST' || !ROUTES.has(request.routeOptions.url ?? '')) return;
      const at = (request.body as { at?: unknown } | undefined)?.at;
      const batchId = (request.params as { id?: unknown }).id;
      if (typeof at !== 'string' || typeof batchId !== 'string') return;
      const [batch] = await deps.db.select({ createdAt: batches.createdAt }).from(batches).where(eq(batches.id, batchId)).limit(1);
      if (!batch) return;
      const [last] = await deps.db.select({ at: max(custodyEvents.occurredAt) }).from(custodyEvents).where(eq(custodyEvents.batchId, batchId));
      const notBefore = Math.max(batch.createdAt.getTime(), last?.at?.getTime() ?? 0);
      const refusal = checkClientTime('at', at, { now: Date.now(), maxAheadMs: deps.config.V2V_CLIENT_CLOCK_SKEW_MS, notBefore });
      if (refusal) throw new ApiError(422, ERR.VALIDATION, refusal.message, [{ in: 'body', path: ['at'], code: refusal.rule, message: refusal.message }]);
    });
  },
  { name: 'v2v-client-times' },
);
