import { describe, expect, it } from 'vitest';
import { cancelUpdate, chainAllocatedSignal, milestoneSignal, statusQuery, type BatchInput } from '../../workflows/messages.js';
import { pollUntil } from '../../src/poll-until.js';
import { chainFrom } from './in-memory-chains.js';
import { batchInput, drive, startBatch, waitUntilAwaitingChanges } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const ctx = useBatchWorkflowEnv();
const FRESH = 'autologous-cd19-fresh';
const CHAIN = chainFrom('2027-01-11');
const withChain = (n: number): BatchInput => ({ ...batchInput(FRESH, n), chain: CHAIN });
const events = (s: { timeline: { event: string }[] }) => s.timeline.map((t) => t.event);

describe('the batch workflow holds its slot chain', () => {
  it('confirms the line held ahead at receipt instead of asking for a free one', async () => {
    const { env, fake } = ctx;
    const input = withChain(501);
    const handle = await startBatch(env, input);
    const status = await drive(env, handle, input, (s) => s.stage === 'MANUFACTURING');
    expect(status.chain).toEqual({ status: 'held', current: CHAIN });
    expect(fake.chains.confirmedLine(input.batchId)).toBeDefined();
    // No line was asked for: the chain's own line was confirmed.
    expect(fake.leftovers(input.batchId).reservedSlots).toBe(0);
    expect(events(status)).not.toContain('no-manufacturing-line');
  });

  it('falls back to a free line when the line held ahead is lost, noting it without a deviation', async () => {
    const { env, fake } = ctx;
    const input = withChain(502);
    fake.chains.loseLine(input.batchId);
    const handle = await startBatch(env, input);
    const status = await drive(env, handle, input, (s) => s.stage === 'MANUFACTURING');
    expect(events(status)).toContain('chain-line-lost');
    expect(status.issues).toEqual([]);
    expect(fake.leftovers(input.batchId).reservedSlots).toBe(1);
    expect(fake.chains.releases).toContainEqual({ batchId: input.batchId, reason: 'line held ahead lost at receipt' });
  });

  it('re-plans the chain when the apheresis centre proposes another day, then takes its confirmation', async () => {
    const { env, fake } = ctx;
    const input = withChain(503);
    const handle = await startBatch(env, input);
    const awaitingBefore = (await handle.query(statusQuery)).awaiting;
    await handle.signal(milestoneSignal, { milestone: 'apheresis-scheduled', at: new Date(await env.currentTimeMs()).toISOString(), source: 'apheresis centre', data: { proposedDay: '2027-01-15' } });
    // The re-plan is answered within the signal's own decision, so the batch awaits the same thing afterwards.
    await pollUntil('the chain to be re-planned', async () => (await handle.query(statusQuery)).chain?.current?.version === 2, { timeoutMs: 10_000, intervalMs: 20 });
    let status = await handle.query(statusQuery);
    expect(status.stage).toBe('ORDERED');
    expect(status.awaiting).toEqual(awaitingBefore);
    expect(status.chain?.current).toMatchObject({ version: 2, collectionDay: '2027-01-15' });
    expect(status.timeline.find((t) => t.event === 'chain-replanned')?.detail).toBe('chain re-planned: collection 2027-01-11 → 2027-01-15');
    expect(fake.chains.replans).toContainEqual({ batchId: input.batchId, earliestDay: '2027-01-15', reason: 'collection day proposed (re-plan 1)' });
    status = await drive(env, handle, input, (s) => s.stage === 'APHERESIS_SCHEDULED');
    expect(status.chain?.current?.collectionDay).toBe('2027-01-15');
  });

  it('waits on the waitlist until the allocator signals a chain; the same chain again changes nothing', async () => {
    const { env } = ctx;
    const input: BatchInput = { ...batchInput(FRESH, 504), waitlisted: true };
    const handle = await startBatch(env, input);
    let status = await handle.query(statusQuery);
    expect(status.stage).toBe('ORDERED');
    expect(status.awaiting).toMatchObject({ kind: 'chain', status: 'waitlisted' });
    await handle.signal(chainAllocatedSignal, CHAIN);
    await handle.signal(chainAllocatedSignal, CHAIN);
    await waitUntilAwaitingChanges(handle, status.awaiting);
    status = await handle.query(statusQuery);
    expect(status.chain).toEqual({ status: 'held', current: CHAIN });
    expect(status.awaiting).toEqual({ kind: 'milestone', milestone: 'apheresis-scheduled' });
    expect(events(status).filter((e) => e === 'chain-allocated')).toHaveLength(1);
    status = await drive(env, handle, input, (s) => s.stage === 'APHERESIS_SCHEDULED');
    expect(status.stage).toBe('APHERESIS_SCHEDULED');
  });

  it('gives the chain back when the batch is cancelled', async () => {
    const { env, fake } = ctx;
    const input = withChain(505);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === 'APHERESIS_SCHEDULED');
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'patient withdrew consent', actor: { name: 'Dr. Treating', role: 'physician' } }] });
    const result = await handle.result();
    expect(result.stage).toBe('CANCELLED');
    expect(result.chain?.status).toBe('released');
    expect(fake.chains.chainState(input.batchId)).toBe('released');
    expect(fake.chains.releases).toContainEqual({ batchId: input.batchId, reason: 'batch cancelled' });
  });
});
