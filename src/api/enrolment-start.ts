import { and, eq, sql } from 'drizzle-orm';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { alerts, batches, batchStageHistory, pendingEnrolments } from '../db/schema/index.js';
import type { Database } from '../db/client.js';
import { TASK_QUEUE, batchWorkflowId, type BatchInput } from '../../workflows/messages.js';
import type { ApiDeps } from './deps.js';
import { failpoint } from './failpoint.js';
import { releaseChain } from '../planning/capacity/index.js';

/**
 * Starting a stored enrolment's workflow, and giving it up. Both hold the pending mark's row lock
 * for the whole step, so a start (a request, its retry, any API process's reconciler) and a give-up
 * never interleave: a batch is never cancelled while its workflow is being started, and never
 * started once cancelled.
 */
export type StartOutcome = 'started' | 'pending' | 'abandoned';

/** The alert that records (and marks) an enrolment given up: one per batch, by its key. */
export const abandonedAlertKey = (batchId: string) => `enrolment-abandoned:${batchId}`;
const stuckAlertKey = (batchId: string) => `enrolment-stuck:${batchId}`;

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const lockMark = async (tx: Tx, batchId: string) =>
  (await tx.select().from(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId)).for('update'))[0];

/** With no pending mark, the enrolment is settled: started, unless it was given up. */
async function settled(tx: Tx, batchId: string): Promise<StartOutcome> {
  const [abandoned] = await tx.select({ id: alerts.id }).from(alerts).where(eq(alerts.key, abandonedAlertKey(batchId))).limit(1);
  return abandoned ? 'abandoned' : 'started';
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/**
 * Starts the workflow with the stored input under `batch:{batchId}` and clears the mark. A start
 * Temporal refuses as a duplicate counts as done (REJECT_DUPLICATE: a batch whose workflow already
 * ran to its end is never started again); any other failure is counted and the mark stays.
 */
export async function startEnrolled(deps: ApiDeps, batchId: string): Promise<StartOutcome> {
  return deps.db.transaction(async (tx) => {
    const mark = await lockMark(tx, batchId);
    if (!mark) return settled(tx, batchId);
    try {
      await deps.temporal.workflow.start('batchWorkflow', {
        workflowId: batchWorkflowId(batchId),
        taskQueue: TASK_QUEUE,
        args: [mark.input as BatchInput],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        deps.logger.warn({ err, batchId, attempts: mark.startAttempts + 1 }, 'could not start the workflow of an enrolled batch; it stays pending');
        await tx
          .update(pendingEnrolments)
          .set({ startAttempts: sql`${pendingEnrolments.startAttempts} + 1`, lastAttemptAt: new Date(), lastError: errorText(err) })
          .where(eq(pendingEnrolments.batchId, batchId));
        return 'pending';
      }
    }
    await failpoint(deps, 'enrol:after-start', { batchId });
    // If this process dies before the commit, the mark stays: the next start is refused as a duplicate and clears it.
    await tx.delete(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId));
    return 'started';
  });
}

/**
 * Gives up an enrolment whose start failed `maxAttempts` times: only once Temporal answers that no
 * workflow `batch:{id}` exists (a start whose answer was lost may have made one; then it is settled
 * as started). The batch is cancelled, its stage history and a critical alert record why. While
 * Temporal cannot answer, nothing is decided: a critical "stuck" alert is raised once instead.
 */
export async function giveUpEnrolment(deps: ApiDeps, batchId: string, maxAttempts: number): Promise<StartOutcome> {
  return deps.db.transaction(async (tx) => {
    const mark = await lockMark(tx, batchId);
    if (!mark) return settled(tx, batchId);
    if (mark.startAttempts < maxAttempts) return 'pending';
    try {
      await deps.temporal.workflow.getHandle(batchWorkflowId(batchId)).describe();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) {
        const message = `Enrolled batch ${batchId} could not be started after ${mark.startAttempts} attempts, and Temporal cannot confirm it has no workflow; it stays pending. Last error: ${mark.lastError ?? 'none'}`;
        await tx.insert(alerts).values({ key: stuckAlertKey(batchId), batchId, severity: 'critical', kind: 'enrolment-stuck', message }).onConflictDoNothing({ target: alerts.key });
        deps.logger.error({ err, batchId }, 'enrolment stuck: start keeps failing and the workflow cannot be confirmed absent');
        return 'pending';
      }
      const [batch] = await tx
        .update(batches)
        .set({ stage: 'CANCELLED', updatedAt: sql`now()` })
        .where(and(eq(batches.id, batchId), eq(batches.stage, 'ORDERED')))
        .returning({ productId: batches.productId });
      if (batch) await tx.insert(batchStageHistory).values({ batchId, productId: batch.productId, stage: 'CANCELLED', previous: 'ORDERED', enteredAt: new Date() }).onConflictDoNothing();
      // The slot chain booked with it goes back to the next patient.
      await releaseChain(tx, batchId, 'enrolment abandoned');
      const message = `Enrolment of batch ${batchId} was given up: its workflow could not be started after ${mark.startAttempts} attempts (last error: ${mark.lastError ?? 'none'}). The batch is cancelled; enrol the patient again.`;
      await tx.insert(alerts).values({ key: abandonedAlertKey(batchId), batchId, severity: 'critical', kind: 'enrolment-abandoned', message }).onConflictDoNothing({ target: alerts.key });
      await tx.delete(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId));
      deps.logger.error({ batchId, attempts: mark.startAttempts, lastError: mark.lastError }, 'enrolment given up: batch cancelled');
      return 'abandoned';
    }
    // The workflow exists: an earlier start did happen, only its answer was lost.
    await tx.delete(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId));
    return 'started';
  });
}
