import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import authenticate from './auth/authenticate.js';
import type { ApiDeps } from './deps.js';
import errorHandler from './plugins/error-handler.js';
import idempotency from './plugins/idempotency.js';
import metrics from './plugins/metrics.js';
import openapi from './plugins/openapi.js';
import { ROUTE_PLUGINS } from './routes/index.js';

export type { ApiDeps } from './deps.js';

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
    // Behind a proxy the request id links a caller's 500 to the log line that explains it.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Order matters: the OpenAPI plugin must see every route being added (/metrics included), and
  // the error handler and metrics hooks must be in place before the routes they wrap.
  app.register(errorHandler);
  app.register(openapi);
  app.register(metrics);
  // Before the routes: it attaches the token and access checks to each /v1 route as it is added.
  app.register(authenticate, { deps });
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
  return { method: req.method, url: req.url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]'), remoteAddress: req.ip };
}

export type ApiApp = ReturnType<typeof buildApp>;
