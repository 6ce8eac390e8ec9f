import { asc, lt } from 'drizzle-orm';
import { pendingEnrolments } from '../db/schema/index.js';
import type { BatchInput } from '../../workflows/messages.js';
import type { ApiDeps } from './deps.js';
import { startEnrolled } from './enrolment.js';

/**
 * Finishes enrolments left half-done (the batch row stored, the workflow start failed, its answer
 * was lost, or the API process died in between): each is started again under its deterministic
 * workflow id, which Temporal refuses as a duplicate if the first start did happen. Only marks older
 * than `graceMs` are taken, so a request still in flight finishes its own enrolment. Any number of
 * API processes may run this at once: every step is idempotent.
 */
export const RECONCILE_GRACE_MS = 30_000;
export const RECONCILE_INTERVAL_MS = 30_000;
const BATCH_SIZE = 100;

export async function reconcileEnrolments(deps: ApiDeps, options: { graceMs?: number; now?: Date } = {}): Promise<{ started: number; pending: number }> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.graceMs ?? RECONCILE_GRACE_MS));
  const rows = await deps.db.select().from(pendingEnrolments).where(lt(pendingEnrolments.createdAt, cutoff)).orderBy(asc(pendingEnrolments.createdAt)).limit(BATCH_SIZE);
  let started = 0;
  for (const row of rows) if (await startEnrolled(deps, row.input as BatchInput)) started += 1;
  if (rows.length > 0) deps.logger.info({ started, stillPending: rows.length - started }, 'reconciled half-done enrolments');
  return { started, pending: rows.length - started };
}

/** Runs the reconciler every `intervalMs` until stopped; a run never overlaps the previous one. */
export function startEnrolmentReconciler(deps: ApiDeps, intervalMs = RECONCILE_INTERVAL_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => reconcileEnrolments(deps)).catch((err: unknown) => deps.logger.error({ err }, 'enrolment reconciler run failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
