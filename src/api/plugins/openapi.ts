import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { addEnrolmentLinks, withEdgeResponses } from '../openapi-conventions.js';

/**
 * The OpenAPI document is generated from the same zod schemas that validate requests, so the
 * document cannot promise what the API does not check. Served raw at /openapi.json and browsable
 * at /docs. Must be registered before the routes: it collects them as they are added.
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'V2V — vein-to-vein orchestrator API',
          version: '1',
          description:
            'Enrol autologous cell-therapy batches, record custody hand-offs, QA decisions and infusion bookings. ' +
            'Every error is `{ error: { code, message, details? } }`. Every /v1 route requires a bearer token (JWT): ' +
            '401 ERR_UNAUTHENTICATED without a valid one, 403 ERR_FORBIDDEN when the role or the sites do not reach the call. ' +
            'QA signatures re-enter the signing password: 403 ERR_SIGNATURE_REJECTED when wrong, ERR_SIGNER_LOCKED after three failures; 503 ERR_SIGNING_BUSY (with Retry-After) while three of the signer’s signatures are being checked.',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
        tags: [
          { name: 'batches', description: 'Enrolment and the state of each batch' },
          { name: 'commands', description: 'What people and partner systems do to a batch' },
          { name: 'bookings', description: 'Infusion chairs and bookings' },
          { name: 'reference', description: 'Products and sites' },
          { name: 'devices', description: 'Sensors, the gateway each publishes through, and what each is bound to' },
          { name: 'excursions', description: 'Excursions and telemetry gaps found by ingest' },
          { name: 'operations', description: 'Health, readiness and metrics' },
        ],
      },
      // Every /v1 route requires the token; the public ones (health, metrics, documents) do not.
      // Every route also answers the edge's errors (401, 403, 429, 400, 414, …) without naming them.
      transform: (input) => {
        const transformed = jsonSchemaTransform({ ...input, schema: withEdgeResponses(input.url, input.schema) ?? input.schema });
        if (!input.url.startsWith('/v1/')) return transformed;
        return { ...transformed, schema: { ...transformed.schema, security: [{ bearer: [] }] } };
      },
      transformObject: (input) => {
        const document = jsonSchemaTransformObject(input);
        addEnrolmentLinks((document as { paths?: Parameters<typeof addEnrolmentLinks>[0] }).paths ?? {});
        return document;
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'v2v-openapi' },
);
