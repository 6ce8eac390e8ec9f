import { z } from 'zod';
import { ERR } from '../domain/errors.js';

/**
 * Codes only the HTTP edge produces; the workflow's own codes are ERR.* (src/domain/errors.ts) and
 * reach callers unchanged.
 */
export const API_ERR = {
  NOT_FOUND: 'ERR_NOT_FOUND',
  TIMEOUT: 'ERR_TIMEOUT',
  UNAVAILABLE: 'ERR_UNAVAILABLE',
  INTERNAL: 'ERR_INTERNAL',
  /** 414: a path parameter longer than any id V2V issues. */
  URI_TOO_LONG: 'ERR_URI_TOO_LONG',
  /** 401: no token, or one that is expired, forged, or meant for another issuer or audience. */
  UNAUTHENTICATED: 'ERR_UNAUTHENTICATED',
  /** 403: the identity's role or sites do not reach this route or this batch. */
  FORBIDDEN: 'ERR_FORBIDDEN',
  /** 403: the re-entered signing password is wrong (or missing); the failure is counted. */
  SIGNATURE_REJECTED: 'ERR_SIGNATURE_REJECTED',
  /** 403: three signatures failed in a row; an administrator must unlock the signer. */
  SIGNER_LOCKED: 'ERR_SIGNER_LOCKED',
  /** 503 with Retry-After: as many of the signer's signatures are being checked as it has attempts left; nothing was signed or counted. */
  SIGNING_BUSY: 'ERR_SIGNING_BUSY',
} as const;

/** A problem with one field: where it was (`body`, `querystring`, `params`), its path and why. */
export const fieldIssueSchema = z.object({
  in: z.enum(['body', 'querystring', 'params', 'headers']),
  path: z.array(z.union([z.string(), z.number()])),
  code: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** The one error shape every route answers with (DESIGN §5). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(fieldIssueSchema).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The answers a command on a batch can get besides success, for the OpenAPI document. */
export const commandErrors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  422: errorBodySchema,
  503: errorBodySchema,
  504: errorBodySchema,
};

/** An error a route throws on purpose; the error handler turns it into its status and body. */
export class ApiError extends Error {
  override name = 'ApiError';
  /** Response headers the status calls for (a 401's `WWW-Authenticate`). */
  headers?: Record<string, string>;
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: FieldIssue[],
    /** What went wrong underneath, for the log; never sent to the caller. */
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

export const notFound = (message: string) => new ApiError(404, API_ERR.NOT_FOUND, message);
/**
 * 401 with the challenge RFC 6750 §3 asks for: `invalid_token` for a bearer token that failed
 * verification; no error code when none came or the header used another scheme (§3.1: a request
 * without authentication information gets none).
 */
export function unauthenticated(message: string, bearerError?: 'invalid_token'): ApiError {
  const error = new ApiError(401, API_ERR.UNAUTHENTICATED, message);
  error.headers = { 'www-authenticate': `Bearer realm="v2v"${bearerError ? `, error="${bearerError}"` : ''}` };
  return error;
}
export const forbidden = (message: string) => new ApiError(403, API_ERR.FORBIDDEN, message);

/** What a protected route may answer besides its own errors, for the OpenAPI document. */
export const accessErrors = { 401: errorBodySchema, 403: errorBodySchema };

/** A well-formed body that names something that does not exist or does not fit (422, not 400). */
export const unprocessableField = (field: string, message: string) =>
  new ApiError(422, ERR.VALIDATION, message, [{ in: 'body', path: [field], code: 'invalid_reference', message }]);
