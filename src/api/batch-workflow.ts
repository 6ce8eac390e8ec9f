import { eq } from 'drizzle-orm';
import { WorkflowNotFoundError, type QueryDefinition, type SignalDefinition, type UpdateDefinition } from '@temporalio/client';
import { batches } from '../db/schema/index.js';
import { batchWorkflowId, statusQuery, type BatchStatus } from '../../workflows/messages.js';
import type { ApiDeps } from './deps.js';
import { notFound } from './errors.js';
import { apiErrorFromTemporal } from './workflow-errors.js';

/**
 * The API's one way to talk to a batch: the database row says whether the batch exists (404
 * otherwise), and every call to its workflow has a deadline, so a stopped worker costs a caller a
 * 504 or 503 rather than a request that never ends.
 */
const DEFAULT_UPDATE_TIMEOUT_MS = 30_000;
const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

export type BatchRow = typeof batches.$inferSelect;

export async function requireBatch(deps: ApiDeps, batchId: string): Promise<BatchRow> {
  const [row] = await deps.db.select().from(batches).where(eq(batches.id, batchId)).limit(1);
  if (!row) throw notFound(`No batch ${batchId}.`);
  return row;
}

async function withTemporal<R>(deps: ApiDeps, timeoutMs: number, call: () => Promise<R>): Promise<R> {
  try {
    return await deps.temporal.withDeadline(Date.now() + timeoutMs, call);
  } catch (err) {
    throw apiErrorFromTemporal(err) ?? err;
  }
}

/** Runs an update and returns the workflow's answer; `updateId` makes a retried request idempotent. */
export async function updateBatch<Ret, Args extends unknown[]>(
  deps: ApiDeps,
  batchId: string,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  updateId?: string,
): Promise<Ret> {
  await requireBatch(deps, batchId);
  const handle = deps.temporal.workflow.getHandle(batchWorkflowId(batchId));
  // The SDK's overloads split empty from non-empty argument lists; this helper serves both, and
  // its own signature already ties `args` to the definition, so it calls by name.
  return withTemporal(deps, deps.updateTimeoutMs ?? DEFAULT_UPDATE_TIMEOUT_MS, () =>
    handle.executeUpdate<Ret, [unknown]>(update.name, { args: args as unknown as [unknown], ...(updateId === undefined ? {} : { updateId }) }),
  );
}

/** Asks a batch's workflow a question (a query: it leaves no trace in its history). */
export async function queryBatch<Ret, Args extends unknown[]>(deps: ApiDeps, batchId: string, query: QueryDefinition<Ret, Args>, ...args: Args): Promise<Ret> {
  const handle = deps.temporal.workflow.getHandle(batchWorkflowId(batchId));
  return withTemporal(deps, deps.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS, () => handle.query(query, ...args));
}

export async function signalBatch<Args extends unknown[]>(deps: ApiDeps, batchId: string, signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
  await requireBatch(deps, batchId);
  const handle = deps.temporal.workflow.getHandle(batchWorkflowId(batchId));
  await withTemporal(deps, deps.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS, () => handle.signal(signal, ...args));
}

/**
 * The workflow's live status, or null when its execution is gone (closed and past retention): the
 * caller then falls back to what the database remembers.
 */
export async function queryStatus(deps: ApiDeps, batchId: string): Promise<BatchStatus | null> {
  const handle = deps.temporal.workflow.getHandle(batchWorkflowId(batchId));
  try {
    return await deps.temporal.withDeadline(Date.now() + (deps.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS), () => handle.query(statusQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw apiErrorFromTemporal(err) ?? err;
  }
}

export const readinessTimeoutMs = (deps: ApiDeps) => Math.min(deps.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS, 3_000);
