import { and, asc, eq, inArray, isNull, lt, ne, notExists, or, sql } from 'drizzle-orm';
import { idempotencyKeys, pendingEnrolments } from '../db/schema/index.js';
import type { ApiDeps } from './deps.js';
import { ENROL_COMMAND } from './enrolment.js';
import { giveUpEnrolment, startEnrolled } from './enrolment-start.js';

/**
 * Finishes enrolments left half-done (the batch row stored, the workflow start failed, its answer
 * was lost, or the API process died in between): each is started again under its deterministic
 * workflow id, which Temporal refuses as a duplicate if the first start did happen. Only marks older
 * than one interval are taken, so a request still in flight finishes its own enrolment. One whose
 * start failed V2V_ENROL_START_ATTEMPTS times is given up (cancelled, with a critical alert) once
 * Temporal confirms it has no workflow. Then Idempotency-Keys past their retention are deleted.
 * Any number of API processes may run this at once: each step locks its row and is idempotent.
 */
const BATCH_SIZE = 100;

export interface ReconcileOutcome {
  started: number;
  pending: number;
  abandoned: number;
  expiredKeys: number;
}

export async function reconcileEnrolments(deps: ApiDeps, options: { graceMs?: number; now?: Date } = {}): Promise<ReconcileOutcome> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.graceMs ?? deps.config.V2V_ENROL_RECONCILE_SECONDS * 1000));
  const rows = await deps.db
    .select({ batchId: pendingEnrolments.batchId })
    .from(pendingEnrolments)
    .where(lt(pendingEnrolments.createdAt, cutoff))
    .orderBy(asc(pendingEnrolments.createdAt))
    .limit(BATCH_SIZE);
  const outcome: ReconcileOutcome = { started: 0, pending: 0, abandoned: 0, expiredKeys: 0 };
  for (const { batchId } of rows) {
    let result = await startEnrolled(deps, batchId);
    if (result === 'pending') result = await giveUpEnrolment(deps, batchId, deps.config.V2V_ENROL_START_ATTEMPTS);
    outcome[result] += 1;
  }
  if (rows.length > 0) deps.logger.info({ ...outcome }, 'reconciled half-done enrolments');
  outcome.expiredKeys = await expireIdempotencyKeys(deps, now);
  return outcome;
}

/**
 * Deletes Idempotency-Keys older than V2V_IDEMPOTENCY_KEY_HOURS (a retry after that is a new
 * request), a bounded number per run, except an enrolment's key while that enrolment is still
 * pending: its retry must still find the stored batch rather than enrol the patient again.
 */
export async function expireIdempotencyKeys(deps: ApiDeps, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - deps.config.V2V_IDEMPOTENCY_KEY_HOURS * 3_600_000);
  const stillPending = deps.db.select({ one: sql`1` }).from(pendingEnrolments).where(eq(pendingEnrolments.batchId, idempotencyKeys.batchId));
  const expired = deps.db
    .select({ key: idempotencyKeys.key })
    .from(idempotencyKeys)
    .where(and(lt(idempotencyKeys.createdAt, before), or(ne(idempotencyKeys.command, ENROL_COMMAND), isNull(idempotencyKeys.batchId), notExists(stillPending))))
    .orderBy(asc(idempotencyKeys.createdAt))
    .limit(BATCH_SIZE * 10);
  const deleted = await deps.db.delete(idempotencyKeys).where(inArray(idempotencyKeys.key, expired)).returning({ key: idempotencyKeys.key });
  if (deleted.length > 0) deps.logger.info({ deleted: deleted.length, retentionHours: deps.config.V2V_IDEMPOTENCY_KEY_HOURS }, 'deleted expired Idempotency-Keys');
  return deleted.length;
}

/** Runs the reconciler every V2V_ENROL_RECONCILE_SECONDS until stopped; a run never overlaps the previous one. */
export function startEnrolmentReconciler(deps: ApiDeps, intervalMs = deps.config.V2V_ENROL_RECONCILE_SECONDS * 1000): { stop(): Promise<void> } {
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
