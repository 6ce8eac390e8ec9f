import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { productProfile } from '../../src/domain/profiles.js';
import type { HandoffCommand, HandoffStep } from '../../src/domain/commands.js';
import { realisticDelayDays } from '../../src/live/pace.js';
import { pollUntil } from '../../src/poll-until.js';
import {
  assessmentUpdate,
  bookingUpdate,
  handoffUpdate,
  milestoneSignal,
  qaDispositionUpdate,
  statusQuery,
  TASK_QUEUE,
  type Awaiting,
  type BatchInput,
  type BatchStatus,
} from '../../workflows/messages.js';
import type { batchWorkflow } from '../../workflows/batch.js';

export type BatchHandle = WorkflowHandle<typeof batchWorkflow>;
const DAY = 86_400_000;
export const TEST_DIN = 'W123426000123';

export function batchInput(productId: string, n: number): BatchInput {
  return {
    batchId: `batch-${productId}-${n}`,
    coiId: `COI-TEST-${String(n).padStart(4, '0')}-0000-X`,
    productId,
    profile: productProfile(productId),
    apheresisCenterId: 'city-hospital-apheresis',
    facilityId: 'central-cell-facility',
    treatmentCenterId: 'city-hospital-infusion',
    timeScale: 1,
  };
}

export async function startBatch(env: TestWorkflowEnvironment, input: BatchInput): Promise<BatchHandle> {
  return env.client.workflow.start<typeof batchWorkflow>('batchWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: `batch:${input.batchId}`,
    args: [input],
  });
}

export const scan = (input: BatchInput, step: HandoffStep, din = TEST_DIN): HandoffCommand => ({
  step,
  coiId: input.coiId,
  din,
  actor: { name: 'A. Courier', role: step.includes('pickup') ? 'courier' : 'nurse' },
  location: `${step} desk`,
});

/**
 * A client that only reads `awaiting` and answers it, the way partners and people would, letting
 * simulated time pass in between. Stops at `until` (a predicate on the status) or at the end.
 */
export async function drive(env: TestWorkflowEnvironment, handle: BatchHandle, input: BatchInput, until?: (s: BatchStatus) => boolean) {
  for (let answered = 0; answered < 200; answered++) {
    const status = await handle.query(statusQuery);
    const { awaiting } = status;
    if (!awaiting || until?.(status)) return status;
    const now = await env.currentTimeMs();
    if (awaiting.kind === 'timer') {
      await env.sleep(Math.max(Date.parse(awaiting.until) - now + 1000, 1000));
      continue;
    }
    await env.sleep(realisticDelayDays(input.profile, awaiting) * DAY);
    const at = new Date(await env.currentTimeMs()).toISOString();
    switch (awaiting.kind) {
      case 'handoff':
        await handle.executeUpdate(handoffUpdate, { args: [scan(input, awaiting.step)] });
        break;
      case 'milestone':
        await handle.signal(milestoneSignal, { milestone: awaiting.milestone, at, source: 'test partner', data: awaiting.milestone === 'qc-complete' ? { passed: true } : undefined });
        await waitUntilAwaitingChanges(handle, awaiting);
        break;
      case 'qa-disposition':
        await handle.executeUpdate(qaDispositionUpdate, { args: [{ decision: 'release', signer: { name: 'Q. Person', role: 'qualified person' }, meaning: 'released for infusion' }] });
        break;
      case 'infusion-booking':
        await handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: new Date(Date.parse(awaiting.earliest) + DAY).toISOString() }] });
        break;
      case 'excursion-assessment':
        await handle.executeUpdate(assessmentUpdate, { args: [{ excursionId: awaiting.excursionId, impact: 'none', signer: { name: 'Q. Person', role: 'QA' }, meaning: 'no impact on product' }] });
        break;
    }
  }
  throw new Error('the batch did not settle within 200 answers');
}

/** Signals return before the workflow acts on them; wait until it has. */
export async function waitUntilAwaitingChanges(handle: BatchHandle, before: Awaiting) {
  const was = JSON.stringify(before);
  await pollUntil(`the batch to stop awaiting ${was}`, async () => JSON.stringify((await handle.query(statusQuery)).awaiting) !== was, { timeoutMs: 10_000, intervalMs: 20 });
}

export async function historyLength(handle: BatchHandle) {
  const history = await handle.fetchHistory();
  return history.events?.length ?? 0;
}
