import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from './deps.js';
import errorHandler from './plugins/error-handler.js';
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
    loggerInstance: deps.logger.child({ component: 'http' }),
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

  const options = { deps };
  for (const routes of ROUTE_PLUGINS) app.register(routes, options);
  return app;
}

export type ApiApp = ReturnType<typeof buildApp>;
