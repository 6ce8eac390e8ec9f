import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { ERR } from '../../src/domain/errors.js';

export function failureType(err: unknown): string {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause.type ?? 'ApplicationFailure';
  return err instanceof Error ? err.name : String(err);
}

export const describeError = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure
    ? `update refused: ${err.cause.type}: ${err.cause.message}`
    : err instanceof Error
      ? `${err.name}: ${err.message}`
      : String(err);

/** Refusals that only mean the batch moved on (put ON_HOLD, say): read `awaiting` again. */
export const MOVED_ON: readonly string[] = [ERR.ON_HOLD, ERR.OUT_OF_TURN, ERR.ENDED];
