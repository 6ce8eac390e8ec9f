import fp from 'fastify-plugin';
import { DrizzleQueryError } from 'drizzle-orm';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERR } from '../../domain/errors.js';
import { API_ERR, ApiError, type ErrorBody, type FieldIssue } from '../errors.js';
import { apiErrorFromTemporal } from '../workflow-errors.js';

/**
 * Every error leaves as `{ error: { code, message, details? } }`. 4xx say what was wrong, field by
 * field for bad input; 5xx say nothing about the cause (it is logged with the request id instead),
 * because stack traces and SQL do not belong to callers.
 */
type Location = FieldIssue['in'];

function fieldIssues(err: FastifyError): FieldIssue[] {
  const where = (err.validationContext ?? 'body') as Location;
  return (err.validation ?? []).map((v) => ({
    in: where,
    // Fastify reports JSON pointers ("/actor/name"); callers want the zod-style path back.
    path: v.instancePath
      .split('/')
      .filter((s) => s !== '')
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
    code: v.keyword,
    message: v.message ?? 'is invalid',
  }));
}

const describe = (issues: FieldIssue[]) =>
  issues.map((i) => `${[i.in, ...i.path].join('.')}: ${i.message}`).join('; ');

/**
 * What of an unexpected error may be logged. drizzle's query errors quote every parameter in their
 * message and PostgreSQL's `detail` can quote the failing row: for an enrolment either would put
 * the patient reference in the log. The statement, the SQLSTATE and the constraint are enough.
 */
function loggable(err: unknown): unknown {
  if (!(err instanceof DrizzleQueryError)) return err;
  const cause = err.cause as (Error & { code?: string; constraint?: string; table?: string }) | undefined;
  return { type: 'DrizzleQueryError', query: err.query, code: cause?.code, constraint: cause?.constraint, table: cause?.table, message: cause?.message };
}

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  return reply.status(status).send(body);
}

/**
 * The router's own refusals, before any route or hook runs (a path that is not valid percent-encoding,
 * 400; a path parameter over Fastify's 100 characters, 414), in the same envelope as every other error.
 * Given to Fastify as its `frameworkErrors` option; the path is cut so a long one is not echoed whole.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = err.statusCode ?? 400;
  const message = err.message.length > 300 ? `${err.message.slice(0, 300)}…` : err.message;
  return send(reply, status, { error: { code: status === 414 ? API_ERR.URI_TOO_LONG : ERR.VALIDATION, message } });
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const details = fieldIssues(err);
        return send(reply, 400, { error: { code: ERR.VALIDATION, message: `Invalid request: ${describe(details)}`, details } });
      }
      const known = err instanceof ApiError ? err : apiErrorFromTemporal(err);
      if (known) {
        if (known.statusCode >= 500) request.log.warn({ err: known.cause ?? err }, known.message);
        const body: ErrorBody = { error: { code: known.code, message: known.message } };
        if (known.details) body.error.details = known.details;
        if (known.headers) reply.headers(known.headers);
        return send(reply, known.statusCode, body);
      }
      // Fastify's own 4xx (malformed JSON, body too large, wrong content type) carry safe messages.
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return send(reply, status, { error: { code: status === 404 ? API_ERR.NOT_FOUND : ERR.VALIDATION, message: err.message } });
      }
      request.log.error({ err: loggable(err) }, 'request failed');
      return send(reply, 500, { error: { code: API_ERR.INTERNAL, message: `Internal error; quote request id ${request.id} to the operator.` } });
    });

    app.setNotFoundHandler((request, reply) =>
      send(reply, 404, { error: { code: API_ERR.NOT_FOUND, message: `No route ${request.method} ${request.url.split('?')[0]}.` } }),
    );
  },
  { name: 'v2v-error-handler' },
);
