import {
  ApplicationFailure,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcDeadlineError,
} from '@temporalio/client';
import { ERR, type ErrorType } from '../domain/errors.js';
import { API_ERR, ApiError } from './errors.js';

/**
 * How each failure the batch workflow raises reaches an HTTP caller. 409: the request is fine but
 * conflicts with where the batch is (wrong bag, wrong turn, on hold, ended, chair taken); 422: the
 * request itself cannot be honoured (a malformed DIN, a date outside the product's rules); 404: it
 * names something the batch does not have. A Record, so a new ERR type fails the typecheck here
 * until someone decides its status.
 */
const STATUS_BY_TYPE: Record<ErrorType, number> = {
  [ERR.VALIDATION]: 422,
  [ERR.COI_MISMATCH]: 409,
  [ERR.DIN_MISMATCH]: 409,
  [ERR.INVALID_DIN]: 422,
  [ERR.OUT_OF_TURN]: 409,
  [ERR.ON_HOLD]: 409,
  [ERR.SLOT_TAKEN]: 409,
  [ERR.BOOKING_OUTSIDE_WINDOW]: 422,
  [ERR.NOT_ALLOWED]: 409,
  [ERR.UNKNOWN_ISSUE]: 404,
  [ERR.ENDED]: 409,
  [ERR.UNPROCESSABLE]: 422,
};

const isErrorType = (type: string | null | undefined): type is ErrorType =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(STATUS_BY_TYPE, type);

/**
 * Turns what the Temporal client throws for an update, signal or query into the API's error, or
 * returns undefined for anything unexpected (the error handler then answers a bare 500).
 *
 * Only the failure's message crosses the edge, never its details: those may hold what the batch
 * expected (e.g. the right COI id), and echoing it to whoever scanned the wrong bag would defeat
 * the check.
 */
export function apiErrorFromTemporal(err: unknown): ApiError | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    const failure = err.cause;
    if (failure instanceof ApplicationFailure && isErrorType(failure.type)) {
      return new ApiError(STATUS_BY_TYPE[failure.type], failure.type, failure.message, undefined, err);
    }
    return undefined;
  }
  if (err instanceof WorkflowNotFoundError) {
    // The batch row exists (routes check it first), so a missing execution means it has closed.
    return new ApiError(409, ERR.ENDED, 'The batch has reached an end state and accepts no more commands.', undefined, err);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(504, API_ERR.TIMEOUT, 'The batch did not answer in time; the command may still be applied. Retry with the same Idempotency-Key.', undefined, err);
  }
  if (err instanceof ServiceError) {
    // A query or signal past its deadline: Temporal is up but no worker took the task.
    if (isGrpcDeadlineError(err)) {
      return new ApiError(504, API_ERR.TIMEOUT, 'The batch did not answer in time; is a worker running? Try again shortly.', undefined, err);
    }
    return new ApiError(503, API_ERR.UNAVAILABLE, 'The workflow service is not reachable; try again shortly.', undefined, err);
  }
  return undefined;
}
