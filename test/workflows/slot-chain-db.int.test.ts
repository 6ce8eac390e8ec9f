import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import type { CapacityRelease } from '../../activities/deps.js';
import { manufacturingSlots, slotChains } from '../../src/db/schema/index.js';
import { addDays } from '../../src/domain/calendar-day.js';
import { pollUntil } from '../../src/poll-until.js';
import { bookChain } from '../../src/planning/capacity/index.js';
import type { batchWorkflow } from '../../workflows/batch.js';
import { cancelUpdate, handoffUpdate, milestoneSignal, statusQuery, type BatchInput, type BatchStatus } from '../../workflows/messages.js';
import { capacityFixture } from '../planning/capacity/fixture.js';
import { stackConfig, unique } from '../setup/services.js';
import { scan } from './journey-driver.js';
import { workflowsUnderTest } from './worker.js';

/**
 * The batch workflow holding a chain booked on the real database, run by a worker with the real
 * activities on the stack's Temporal: the line held ahead is confirmed at receipt, and a cancel
 * gives everything back. A day of the batch's clock lasts a second.
 */
const f = capacityFixture({ apheresis: { collectionsPerDay: 2, collectionDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, facility: { manufacturingLines: 1 } });
const config = stackConfig();
const taskQueue = unique('chain-journey');
const released: CapacityRelease[] = [];
const ctx = {} as { connection: Connection; client: Client; worker: Worker; running: Promise<void> };

beforeAll(async () => {
  const native = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
  const activities = createBatchActivities({ db: f.db, pool: f.pool, afterCapacityReleased: async (r) => void released.push(r) });
  ctx.worker = await Worker.create({ connection: native, namespace: config.TEMPORAL_NAMESPACE, taskQueue, ...workflowsUnderTest(), activities });
  ctx.running = ctx.worker.run();
  ctx.connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
  ctx.client = new Client({ connection: ctx.connection, namespace: config.TEMPORAL_NAMESPACE });
});
afterAll(async () => {
  ctx.worker?.shutdown();
  await ctx.running;
  await ctx.connection?.close();
});

const TODAY = new Date().toISOString().slice(0, 10);
const status = (batchId: string) => ctx.client.workflow.getHandle(`batch:${batchId}`).query(statusQuery);

/** Answers hand-offs and milestones at once (the batch's own clock is a second a day) until `until`. */
async function driveUntil(input: BatchInput, until: (s: BatchStatus) => boolean): Promise<BatchStatus> {
  const handle = ctx.client.workflow.getHandle<typeof batchWorkflow>(`batch:${input.batchId}`);
  for (let i = 0; i < 50; i++) {
    const s = await handle.query(statusQuery);
    if (until(s) || !s.awaiting) return s;
    if (s.awaiting.kind === 'handoff') await handle.executeUpdate(handoffUpdate, { args: [scan(input, s.awaiting.step)] });
    else if (s.awaiting.kind === 'milestone') {
      await handle.signal(milestoneSignal, { milestone: s.awaiting.milestone, at: new Date().toISOString(), source: 'test partner' });
      const was = JSON.stringify(s.awaiting);
      await pollUntil('the milestone to be taken', async () => JSON.stringify((await handle.query(statusQuery)).awaiting) !== was, { timeoutMs: 10_000, intervalMs: 50 });
    } else throw new Error(`unexpected wait ${JSON.stringify(s.awaiting)}`);
  }
  throw new Error('the batch did not get there');
}

describe('a chained batch on the real database', () => {
  it('confirms its line held ahead at receipt, and gives the chain and the line back when cancelled', async () => {
    const batchId = await f.batch();
    const chain = { collectionDay: addDays(TODAY, 2), facilityId: f.ids.facility, lineStartDay: addDays(TODAY, 3), lineEndDay: addDays(TODAY, 17), infusionDay: addDays(TODAY, 24) };
    const booked = await f.db.transaction((tx) => bookChain(tx, batchId, chain, 'enrolment'));
    const input: BatchInput = {
      batchId, coiId: 'COI-TEST-0902-0000-X', productId: f.ids.product, profile: f.profile,
      apheresisCenterId: f.ids.apheresis, facilityId: f.ids.facility, treatmentCenterId: f.ids.treatment, timeScale: 86_400,
      chain: { version: booked.version, ...chain },
    };
    await ctx.client.workflow.start<typeof batchWorkflow>('batchWorkflow', { taskQueue, workflowId: `batch:${batchId}`, args: [input] });

    const making = await driveUntil(input, (s) => s.stage === 'MANUFACTURING');
    expect(making.chain).toEqual({ status: 'held', current: input.chain });
    expect(making.timeline.map((t) => t.event)).not.toContain('chain-line-lost');
    const rows = async () => ({
      slots: (await f.db.select({ state: manufacturingSlots.state }).from(manufacturingSlots).where(eq(manufacturingSlots.batchId, batchId))).map((r) => r.state),
      chains: (await f.db.select({ state: slotChains.state }).from(slotChains).where(eq(slotChains.batchId, batchId))).map((r) => r.state),
    });
    expect(await rows()).toEqual({ slots: ['reserved'], chains: ['confirmed'] });

    await ctx.client.workflow.getHandle(`batch:${batchId}`).executeUpdate(cancelUpdate, { args: [{ reason: 'withdrawn', actor: { name: 'Dr. Treating', role: 'physician' } }] });
    expect((await status(batchId)).stage).toBe('CANCELLED');
    expect(await rows()).toEqual({ slots: ['released'], chains: ['released'] });
    expect(released.filter((r) => r.batchId === batchId).map((r) => r.reason).sort()).toEqual(['batch cancelled', 'manufacturing line released']);
  });
});
