import fp from 'fastify-plugin';
import type { ApiDeps } from '../deps.js';
import { claimCommandKey } from '../idempotency.js';

/**
 * Binds the `Idempotency-Key` of every command on a batch to its caller, command, batch and body
 * (src/api/idempotency.ts) before the handler runs; the handler then passes the key on as the
 * Temporal update id, which is safe because no other call can now arrive with it. Registered after
 * authentication, so the caller is known and already allowed at the batch. Enrolment binds its key
 * itself, in the transaction that stores the batch.
 */
const FOREIGN_KEY_VIOLATION = '23503';

export default fp<{ deps: ApiDeps }>(
  async (app, { deps }) => {
    app.addHook('preHandler', async (request) => {
      const key = (request.headers as Record<string, unknown>)['idempotency-key'];
      const principal = request.principal;
      const batchId = (request.params as { id?: unknown } | undefined)?.id;
      const route = request.routeOptions.url ?? '';
      if (typeof key !== 'string' || !principal || typeof batchId !== 'string' || !route.startsWith('/v1/batches/:id/') || request.method === 'GET') return;
      const command = `${request.method} ${route}`;
      try {
        await claimCommandKey(deps.db, { key, subject: principal.subject, command, batchId, body: request.body });
      } catch (err) {
        // No such batch: nothing to bind; the handler answers its 404.
        if ((err as { cause?: { code?: string }; code?: string }).code === FOREIGN_KEY_VIOLATION || (err as { cause?: { code?: string } }).cause?.code === FOREIGN_KEY_VIOLATION) return;
        throw err;
      }
    });
  },
  { name: 'v2v-idempotency' },
);
