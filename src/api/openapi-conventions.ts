import type { FastifySchema } from 'fastify';
import { errorBodySchema } from './errors.js';

/**
 * What the OpenAPI document says about every route alike, so each route's schema lists only its own
 * answers: the errors the edge gives before a handler runs, and the links from an enrolment to the
 * operations on its batch. The API fuzz test (test/fuzz/) holds the document to what the API does.
 */

/** Routes the address budget never counts (src/api/plugins/rate-limits.ts). */
const NOT_RATE_LIMITED = new Set(['/healthz', '/readyz']);

const hasPathParams = (url: string) => url.includes(':') || url.includes('{');

/**
 * The error answers the edge can give on `url` whatever the route declares: 401/403 from the token
 * check on /v1 (and /metrics); 429 from the rate limits; 400 from validating a route's input;
 * 414 for a path parameter over Fastify's limit; 413/415 for a body too large or not JSON.
 */
export function edgeResponses(url: string, schema: FastifySchema): Record<number, typeof errorBodySchema> {
  const statuses: number[] = [];
  if (url.startsWith('/v1/') || url === '/metrics') statuses.push(401, 403);
  if (!NOT_RATE_LIMITED.has(url)) statuses.push(429);
  if (schema.params !== undefined || schema.querystring !== undefined || schema.headers !== undefined || schema.body !== undefined) statuses.push(400);
  if (hasPathParams(url)) statuses.push(414);
  if (schema.body !== undefined) statuses.push(413, 415);
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema]));
}

/** A route's schema with the edge's answers added where the route does not name them itself. */
export function withEdgeResponses(url: string, schema: FastifySchema | undefined): FastifySchema | undefined {
  if (schema === undefined || (schema as { hide?: boolean }).hide) return schema;
  const own = (schema.response ?? {}) as Record<string, unknown>;
  return { ...schema, response: { ...edgeResponses(url, schema), ...own } };
}

interface OpenApiOperation {
  responses?: Record<string, { links?: Record<string, unknown> }>;
}
type OpenApiPaths = Record<string, Record<string, OpenApiOperation>>;

const ENROLMENT_PATH = '/v1/batches';
const BATCH_PATH = /^\/v1\/batches\/\{id\}(\/|$)/;
/** Operations that take the batch in their query string rather than their path. */
const BATCH_QUERY_OPERATIONS: [path: string, parameter: string][] = [
  ['/v1/alerts', 'batchId'],
  ['/v1/excursions', 'batchId'],
  ['/v1/chain-replans', 'batchId'],
];

const pointer = (path: string, method: string) => `#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}`;
const linkName = (path: string, method: string) =>
  `${method}${path.replace(/^\/v1/, '').replace(/\{(\w+)\}/g, 'By-$1').split(/[/-]/).filter(Boolean).map((s) => s[0]!.toUpperCase() + s.slice(1)).join('')}`;

/**
 * OpenAPI links from an enrolment's answer (201, and 202 when its start is still pending) to every
 * operation on that batch: a client, or a stateful fuzzer, follows the returned `batchId` to them.
 */
export function addEnrolmentLinks(paths: OpenApiPaths): void {
  const enrol = paths[ENROLMENT_PATH]?.post;
  if (!enrol?.responses) return;
  const links: Record<string, unknown> = {};
  for (const [path, operations] of Object.entries(paths)) {
    for (const method of Object.keys(operations)) {
      if (BATCH_PATH.test(path)) {
        links[linkName(path, method)] = { operationRef: pointer(path, method), parameters: { 'path.id': '$response.body#/batchId' } };
      }
      const query = BATCH_QUERY_OPERATIONS.find(([p]) => p === path);
      if (query && method === 'get') {
        links[linkName(path, method)] = { operationRef: pointer(path, method), parameters: { [`query.${query[1]}`]: '$response.body#/batchId' } };
      }
    }
  }
  for (const status of ['201', '202']) {
    const response = enrol.responses[status];
    if (response) response.links = links;
  }
}
