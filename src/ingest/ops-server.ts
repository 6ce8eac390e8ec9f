import Fastify from 'fastify';
import type pg from 'pg';
import type { IngestMetrics } from './metrics.js';

/**
 * The ingest process's operations endpoints: /healthz (alive), /readyz (in its consumer group and
 * PostgreSQL answers: 503 otherwise, naming what is missing) and /metrics (Prometheus).
 */
export async function startOpsServer(options: { pool: pg.Pool; metrics: IngestMetrics; joined: () => boolean; port: number }) {
  const { pool, metrics, joined } = options;
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const postgres = await Promise.race([
      pool.query('select 1').then(() => true, () => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
    ]);
    const group = joined();
    if (postgres && group) return { status: 'ready', checks: { postgres: 'up', consumerGroup: 'joined' } };
    const missing = [postgres ? [] : ['PostgreSQL did not answer'], group ? [] : ['the consumer has not joined its group']].flat();
    return reply.code(503).send({ error: { code: 'ERR_UNAVAILABLE', message: `Not ready: ${missing.join('; ')}.` } });
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  const url = await app.listen({ host: '127.0.0.1', port: options.port });
  return { url, close: () => app.close() };
}
