import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import authenticate from './auth/authenticate.js';
import type { ApiDeps } from './deps.js';
import errorHandler, { frameworkErrors } from './plugins/error-handler.js';
import idempotency from './plugins/idempotency.js';
import metrics from './plugins/metrics.js';
import { addressLimit, callerLimit } from './plugins/rate-limits.js';
import securityHeaders from './plugins/security-headers.js';
import openapi from './plugins/openapi.js';
import { ROUTE_PLUGINS } from './routes/index.js';

export type { ApiDeps } from './deps.js';

const REQUEST_TIMEOUT_MS = 30_000;
const CONNECTION_TIMEOUT_MS = 120_000;

/**
 * The HTTP API, built but not listening: the server (server.ts) listens, tests `inject` requests
 * into it. Routes validate with the zod schemas of src/domain/commands.ts, which also produce the
 * OpenAPI document.
 */
export function buildApp(deps: ApiDeps) {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }, { serializers: { req: loggedRequest } }),
    // Bodies are small commands; anything bigger is a mistake or an attack.
    bodyLimit: 64 * 1024,
    // The request id is always the server's own (answered in x-request-id, so a caller's 500 leads to
    // its log line); a client's x-request-id is logged beside it as clientRequestId, never trusted as ours.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // A slow or stalled client cannot hold a connection: the whole request (headers and body) must
    // arrive within requestTimeout, and a socket idle for connectionTimeout is closed. The latter is
    // above the longest wait for the workflow (30 s) and the event stream's 15 s heartbeat.
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    // The router's refusals (a bad percent-encoding, a path parameter too long) in the error envelope.
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Order matters: the OpenAPI plugin must see every route being added (/metrics included), and
  // the error handler and metrics hooks must be in place before the routes they wrap.
  app.register(errorHandler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.register(securityHeaders);
  app.register(openapi);
  app.register(metrics, { metricsToken: deps.config.V2V_METRICS_TOKEN });
  // Before authentication: a flood is turned away before any token is verified.
  app.register(addressLimit, { deps });
  // Before the routes: it attaches the token and access checks to each /v1 route as it is added.
  app.register(authenticate, { deps });
  app.register(callerLimit, { deps });
  // After authentication: a key is bound to a caller who is known and allowed at the batch.
  app.register(idempotency, { deps });

  const options = { deps };
  for (const routes of ROUTE_PLUGINS) app.register(routes, options);
  return app;
}

/**
 * What the access log keeps of a request: never a body (patientRef, signing passwords) and never a
 * token, which the event stream may carry in its query string.
 */
function loggedRequest(req: FastifyRequest) {
  const clientRequestId = req.headers['x-request-id'];
  return {
    method: req.method,
    url: req.url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]'),
    remoteAddress: req.ip,
    // The caller's own correlation id, cut to a sane length and to visible ASCII: a log line, not a trusted id.
    ...(typeof clientRequestId === 'string' ? { clientRequestId: clientRequestId.replace(/[^\x21-\x7E]/g, '?').slice(0, 128) } : {}),
  };
}

export type ApiApp = ReturnType<typeof buildApp>;
