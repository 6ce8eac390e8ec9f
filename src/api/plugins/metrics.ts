import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { ApiError, API_ERR } from '../errors.js';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics at GET /metrics: the process's own (CPU, memory, event loop, GC) and, per
 * route template and status, how many requests came and how long they took. The route template
 * (`/v1/batches/:id`), never the raw URL, is the label, so ids cannot explode the series count.
 * Each app gets its own registry, so tests can build many apps in one process.
 * The figures are for the operator's scraper only: `Authorization: Bearer <V2V_METRICS_TOKEN>`, and
 * no token configured means no metrics over HTTP (403 naming the variable).
 */
declare module 'fastify' {
  interface FastifyRequest {
    metricsStart?: bigint;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compared as digests in constant time, so the answer's timing says nothing of the token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

export default fp<{ metricsToken?: string | undefined }>(
  async (app, { metricsToken }) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'v2v_api_' });
    const labelNames = ['method', 'route', 'status_code'] as const;
    const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to response',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });

    app.addHook('onRequest', async (request) => {
      request.metricsStart = process.hrtime.bigint();
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics') return;
      const labels = { method: request.method, route, status_code: String(reply.statusCode) };
      requests.inc(labels);
      if (request.metricsStart !== undefined) {
        duration.observe(labels, Number(process.hrtime.bigint() - request.metricsStart) / 1e9);
      }
    });

    const exposition = { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } };
    app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', response: { 200: exposition } } }, async (request, reply) => {
      if (!metricsToken) throw new ApiError(403, API_ERR.FORBIDDEN, 'Metrics are not served: set V2V_METRICS_TOKEN and scrape with that bearer token.');
      if (!bearerMatches(request.headers.authorization, metricsToken)) {
        const error = new ApiError(401, API_ERR.UNAUTHENTICATED, 'GET /metrics needs Authorization: Bearer <V2V_METRICS_TOKEN>.');
        error.headers = { 'www-authenticate': 'Bearer realm="v2v-metrics"' };
        throw error;
      }
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'v2v-metrics' },
);
