import { describe, expect, it } from 'vitest';
import { chainMovedSignal, statusQuery, type BatchInput } from '../../workflows/messages.js';
import { pollUntil } from '../../src/poll-until.js';
import { chainFrom } from './in-memory-chains.js';
import { batchInput, drive, startBatch } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const ctx = useBatchWorkflowEnv();
const FRESH = 'autologous-cd19-fresh';
const CHAIN = chainFrom('2027-01-11');
const withChain = (n: number): BatchInput => ({ ...batchInput(FRESH, n), chain: CHAIN });

describe('the batch workflow learns a chain a disruption moved', () => {
  it('takes the newer chain before collection, notes what moved, ignores the same move again, and collects on the new day', async () => {
    const { env } = ctx;
    const input = withChain(551);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'APHERESIS_SCHEDULED');
    const next = { ...chainFrom('2027-01-14'), version: 2 };
    await handle.signal(chainMovedSignal, { from: 1, chain: next, why: 'line down' });
    await handle.signal(chainMovedSignal, { from: 1, chain: next, why: 'line down' });
    await pollUntil('the moved chain', async () => (await handle.query(statusQuery)).chain?.current?.version === 2, { timeoutMs: 10_000, intervalMs: 20 });
    const status = await handle.query(statusQuery);
    expect(status.chain).toEqual({ status: 'held', current: next });
    const notes = status.timeline.filter((t) => t.event === 'chain-replanned').map((t) => t.detail);
    expect(notes).toEqual(['chain re-planned (line down): collection 2027-01-11 → 2027-01-14']);
    const collected = await drive(env, handle, input, (s) => s.stage === 'COLLECTED');
    expect(collected.stage).toBe('COLLECTED');
    expect(collected.chain?.current?.version).toBe(2);
  });

  it('keeps its chain once the cells are collected', async () => {
    const { env } = ctx;
    const input = withChain(552);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'COLLECTED');
    await handle.signal(chainMovedSignal, { from: 1, chain: { ...chainFrom('2027-01-14'), version: 2 }, why: 'line down' });
    // A query after the signal sees the signal's decision (signals are handled in order, before the query is answered).
    const status = await handle.query(statusQuery);
    expect(status.chain).toEqual({ status: 'held', current: CHAIN });
    expect(status.timeline.map((t) => t.event)).not.toContain('chain-replanned');
  });

  it('waits for capacity when the move found no chain', async () => {
    const { env } = ctx;
    const input = withChain(553);
    const handle = await startBatch(env, input);
    await handle.signal(chainMovedSignal, { from: 1, chain: null, why: 'line down' });
    await pollUntil('the batch to wait', async () => (await handle.query(statusQuery)).chain?.status === 'waitlisted', { timeoutMs: 10_000, intervalMs: 20 });
    const status = await handle.query(statusQuery);
    expect(status.awaiting).toMatchObject({ kind: 'chain', status: 'waitlisted' });
    expect(status.timeline.at(-1)?.detail).toBe('chain re-planned (line down): collection 2027-01-11 → now waiting');
  });
});
