import { describe, expect, it } from 'vitest';
import { cancelUpdate, statusQuery } from '../../workflows/messages.js';
import { batchInput, startBatch } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const ctx = useBatchWorkflowEnv();
const actor = { name: 'Dr. Treating', role: 'physician' };

describe('a command whose text PostgreSQL would refuse', () => {
  it('a cancellation reason holding NUL is refused, and the next, ordinary cancellation of that batch succeeds', async () => {
    const { env } = ctx;
    const input = batchInput('autologous-bcma-cryo', 901);
    const handle = await startBatch(env, input);
    await expect(handle.executeUpdate(cancelUpdate, { args: [{ reason: 'withdrew\u0000consent', actor }] })).rejects.toMatchObject({
      cause: { type: 'ERR_VALIDATION', message: expect.stringMatching(/reason: must not contain the NUL character/) },
    });
    const answer = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'patient withdrew consent', actor }] });
    expect(answer.stage).toBe('CANCELLED');
    expect((await handle.query(statusQuery)).stage).toBe('CANCELLED');
  });
});

describe('an activity error that retrying cannot cure (defence in depth)', () => {
  it('records a deviation for the command, refuses it, and the batch takes its next command', async () => {
    const { env, fake } = ctx;
    const input = batchInput('autologous-bcma-cryo', 902);
    const handle = await startBatch(env, input);
    // Text the edge lets through but a database CHECK refuses (SQLSTATE 23514).
    fake.refuseText('☠');
    try {
      await expect(handle.executeUpdate(cancelUpdate, { args: [{ reason: 'refused ☠ by a rule', actor }] })).rejects.toMatchObject({
        cause: { type: 'ERR_UNPROCESSABLE', message: expect.stringMatching(/cancel was not applied.*SQLSTATE 23514/) },
      });
    } finally {
      fake.refuseText(undefined);
    }
    const status = await handle.query(statusQuery);
    expect(status.stage).toBe('ORDERED');
    expect(status.issues).toEqual([expect.objectContaining({ kind: 'deviation', blocking: false, reason: expect.stringMatching(/^cancel not applied/) })]);
    const records = [...fake.custody.values()].filter((r) => r.batchId === input.batchId);
    expect(records).toEqual([expect.objectContaining({ kind: 'deviation', data: expect.objectContaining({ command: 'cancel' }) })]);
    expect([...fake.alerts.values()].filter((a) => a.batchId === input.batchId && a.kind === 'command-not-applied')).toHaveLength(1);

    const answer = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'patient withdrew consent', actor }] });
    expect(answer.stage).toBe('CANCELLED');
  });
});
