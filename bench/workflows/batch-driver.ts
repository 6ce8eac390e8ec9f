import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { HandoffStep } from '../../src/domain/commands.js';
import type { Stage } from '../../src/domain/stages.js';
import type { batchWorkflow } from '../../workflows/batch.js';
import {
  assessmentUpdate,
  batchWorkflowId,
  handoffUpdate,
  milestoneSignal,
  qaDispositionUpdate,
  statusQuery,
  TASK_QUEUE,
  type BatchStatus,
} from '../../workflows/messages.js';
import { handoffLatencies, refused, startedIds } from './driver-tally.js';
import { book } from './infusion-booking.js';
import { isAborted, PhaseTimeout } from './phase-timeout.js';
import type { BatchCase } from './reference-data.js';
import { awaitingChanged, pollStatus, type BatchHandle } from './status-polling.js';
import { describeError, failureType } from './update-failures.js';

/**
 * Driving one batch: read `awaiting`, answer it, as partners and people would (no simulated delays
 * except the ones the workflow imposes: the infusion date and its timer).
 */

export interface BatchOutcome {
  workflowId: string;
  stage?: Stage;
  error?: string;
  journeyMs: number;
  escalations: number;
  holds: number;
}

const actor = (step: HandoffStep) => ({ name: 'B. Runner', role: step.includes('pickup') ? 'courier' : 'nurse' });

async function handoff(handle: BatchHandle, c: BatchCase, step: HandoffStep, before: BatchStatus): Promise<BatchStatus> {
  const sent = performance.now();
  try {
    await handle.executeUpdate(handoffUpdate, { args: [{ step, coiId: c.input.coiId, din: c.din, actor: actor(step), location: `${step} desk` }] });
  } catch (err) {
    refused(`handoff ${failureType(err)}`);
    return handle.query(statusQuery);
  }
  const status = await pollStatus(handle, (s) => s.stage !== before.stage, `waiting for the ${step} stage`);
  handoffLatencies.push(performance.now() - sent);
  return status;
}

export async function drive(client: Client, c: BatchCase): Promise<BatchOutcome> {
  const workflowId = batchWorkflowId(c.input.batchId);
  const started = performance.now();
  const outcome: BatchOutcome = { workflowId, journeyMs: 0, escalations: 0, holds: 0 };
  try {
    startedIds.push(workflowId);
    const handle = await client.workflow.start<typeof batchWorkflow>('batchWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [c.input] });
    let status = await handle.query(statusQuery);
    for (let answered = 0; status.awaiting !== null; answered++) {
      if (isAborted()) throw new PhaseTimeout('aborted');
      if (answered > 300) throw new Error(`not settled after 300 answers (stage ${status.stage})`);
      const awaiting = status.awaiting;
      const now = new Date().toISOString();
      switch (awaiting.kind) {
        case 'handoff':
          status = await handoff(handle, c, awaiting.step, status);
          break;
        case 'milestone':
          await handle.signal(milestoneSignal, {
            milestone: awaiting.milestone,
            at: now,
            source: 'bench partner',
            ...(awaiting.milestone === 'qc-complete' ? { data: { passed: true } } : {}),
          });
          status = await awaitingChanged(handle, awaiting);
          break;
        case 'qa-disposition':
          try {
            await handle.executeUpdate(qaDispositionUpdate, { args: [{ decision: 'release', signer: { name: 'Q. Person', role: 'qualified person' }, meaning: 'released for infusion' }] });
          } catch (err) {
            refused(`qa-disposition ${failureType(err)}`);
          }
          status = await handle.query(statusQuery);
          break;
        case 'infusion-booking':
          status = await book(handle, c, awaiting);
          break;
        case 'timer':
          await sleep(Math.max(0, Date.parse(awaiting.until) - Date.now()));
          status = await awaitingChanged(handle, awaiting);
          break;
        case 'excursion-assessment':
          try {
            await handle.executeUpdate(assessmentUpdate, {
              args: [{ excursionId: awaiting.excursionId, impact: 'none', signer: { name: 'Q. Person', role: 'QA' }, meaning: 'no impact on product' }],
            });
            status = await awaitingChanged(handle, awaiting);
          } catch (err) {
            refused(`assessment ${failureType(err)}`);
            status = await handle.query(statusQuery);
          }
          break;
      }
    }
    const result = await handle.result();
    outcome.stage = result.stage;
    outcome.escalations = result.timeline.filter((e) => e.event === 'escalation').length;
    outcome.holds = result.timeline.filter((e) => e.stage === 'ON_HOLD').length;
  } catch (err) {
    outcome.error = describeError(err);
  }
  outcome.journeyMs = performance.now() - started;
  return outcome;
}
