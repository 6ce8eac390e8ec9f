import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { HANDOFF_STEPS } from '../../src/domain/commands.js';
import { handoffUpdate, statusQuery } from '../../workflows/messages.js';
import { batchInput, drive, scan, startBatch, TEST_DIN } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const ctx = useBatchWorkflowEnv();

async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
}

describe('a scan out of turn', () => {
  it('is refused by the validator without touching history', async () => {
    const { env } = ctx;
    const input = batchInput('autologous-cd19-fresh', 299);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.awaiting?.kind === 'handoff' && s.awaiting.step === 'collection');
    const err = await refusal(handle.executeUpdate(handoffUpdate, { args: [scan(input, 'infusion')] }));
    expect(err.type).toBe('ERR_OUT_OF_TURN');
    expect(err.message).toContain('collection');
    // The test server still records the workflow task that ran the validator, but no update was accepted.
    const accepted = (await handle.fetchHistory()).events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted).toHaveLength(0);
    await handle.terminate('done');
  });
});

describe.each(HANDOFF_STEPS.map((step, i) => [step, i] as const))('chain of identity at the %s hand-off', (step, i) => {
  it('refuses the wrong COI id and the wrong DIN, records a deviation and alerts, and never advances', async () => {
    const { env, fake } = ctx;
    const input = batchInput('autologous-cd19-fresh', 200 + i);
    const handle = await startBatch(env, input);
    const before = await drive(env, handle, input, (s) => s.awaiting?.kind === 'handoff' && s.awaiting.step === step);

    const wrongCoi = await refusal(handle.executeUpdate(handoffUpdate, { args: [{ ...scan(input, step), coiId: 'COI-ZZZZ-ZZZZ-ZZZZ-Z' }] }));
    expect(wrongCoi.type).toBe('ERR_COI_MISMATCH');
    expect(wrongCoi.message).not.toContain(input.coiId);
    // At collection the DIN is assigned, so only its syntax can be wrong; afterwards it must match.
    const wrongDin = await refusal(handle.executeUpdate(handoffUpdate, { args: [scan(input, step, step === 'collection' ? 'W12342600012' : 'W123426000999')] }));
    expect(wrongDin.type).toBe(step === 'collection' ? 'ERR_INVALID_DIN' : 'ERR_DIN_MISMATCH');

    const after = await handle.query(statusQuery);
    expect(after.stage).toBe(before.stage);
    expect(after.awaiting).toEqual(before.awaiting);
    expect(after.issues.filter((issue) => issue.kind === 'deviation' && issue.state === 'open')).toHaveLength(2);
    const deviations = [...fake.custody.values()].filter((r) => r.batchId === input.batchId && r.kind === 'deviation');
    expect(deviations.map((d) => d.step)).toEqual([step, step]);
    expect([...fake.alerts.values()].filter((a) => a.batchId === input.batchId && a.kind === 'coi-mismatch')).toHaveLength(2);

    // The right bag still goes through.
    await handle.executeUpdate(handoffUpdate, { args: [scan(input, step, TEST_DIN)] });
    expect((await handle.query(statusQuery)).stage).not.toBe(before.stage);
    // The infusion scan ends the journey; any other step leaves a running batch to stop.
    if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('identity checked');
  });
});
