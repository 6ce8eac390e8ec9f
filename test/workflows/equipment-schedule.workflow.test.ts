import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { EquipmentActivities, EquipmentAssessment } from '../../activities/equipment-types.js';
import type { equipmentWorkflow } from '../../workflows/equipment.js';
import { statusQuery, TASK_QUEUE } from '../../workflows/messages.js';
import { equipmentAssignSignal, equipmentStatusQuery, equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import { inMemoryActivities } from './in-memory-activities.js';
import { batchInput, drive, startBatch } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

// The batch activities in memory, plus an assessment that answers what the test scripts: the
// workflow's schedule, not the model, is under test here (the model: the int tests).
const asked: Parameters<EquipmentActivities['assessEquipment']>[0][] = [];
/** Units whose first assessment fails for good (a database down, say). */
const failFirst = new Set(['freezer-sched']);
const assessEquipment: EquipmentActivities['assessEquipment'] = async ({ equipmentId, at }) => {
  asked.push({ equipmentId, at });
  if (failFirst.delete(equipmentId)) throw ApplicationFailure.nonRetryable('no database', 'ERR_TEST');
  const failureProbability7d = 0.9;
  return { equipmentId, at, failureProbability7d, rulDays: 3, method: 'model', threshold: 0.4, ticketId: 'ticket-1' } satisfies EquipmentAssessment;
};
const base = inMemoryActivities();
const activities = { ...base.activities, assessEquipment };
const ctx = useBatchWorkflowEnv({ ...base, activities });

describe('the equipment workflow on a schedule', () => {
  it('assesses the unit every interval and tells the batches inside it when the risk crosses the model’s threshold', async () => {
    const { env } = ctx;
    const input = batchInput('autologous-cd19-fresh', 410);
    const batch = await startBatch(env, input);
    await drive(env, batch, input, (s) => s.stage === 'MANUFACTURING');
    const every = 6 * 60 * 60 * 1000;
    const equipment = await env.client.workflow.start<typeof equipmentWorkflow>('equipmentWorkflow', {
      taskQueue: TASK_QUEUE, workflowId: equipmentWorkflowId('bioreactor-sched'), args: [{ equipmentId: 'bioreactor-sched', assessEveryMs: every }],
    });
    const startedAt = (await equipment.describe()).startTime.getTime();
    await equipment.signal(equipmentAssignSignal, { batchId: input.batchId, assigned: true });
    expect(asked).toEqual([]);

    await env.sleep(every + 60_000);
    const riskNotes = async () => (await batch.query(statusQuery)).timeline.filter((t) => t.event === 'equipment-risk').map((t) => t.detail);
    for (let i = 0; i < 100 && (await riskNotes()).length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await riskNotes()).toEqual(['bioreactor-sched above 0.4']);
    // Once, due one interval after the start (workflow time: the first task runs a moment after the start).
    expect(asked.map((a) => a.equipmentId)).toEqual(['bioreactor-sched']);
    expect(Date.parse(asked[0]!.at) - startedAt).toBeGreaterThanOrEqual(every);
    expect(Date.parse(asked[0]!.at) - startedAt).toBeLessThan(every + 5_000);
    expect(await equipment.query(equipmentStatusQuery)).toMatchObject({ risk: 0.9, riskThreshold: 0.4, batchIds: [input.batchId] });
    await batch.terminate('done');
    await equipment.terminate('done');
  });

  it('a failed assessment does not wedge the unit: the next one comes on schedule', async () => {
    const { env } = ctx;
    asked.length = 0;
    const every = 60 * 60 * 1000;
    const equipment = await env.client.workflow.start<typeof equipmentWorkflow>('equipmentWorkflow', {
      taskQueue: TASK_QUEUE, workflowId: equipmentWorkflowId('freezer-sched'), args: [{ equipmentId: 'freezer-sched', assessEveryMs: every }],
    });
    await env.sleep(2 * every + 60_000);
    expect(asked.map((a) => a.equipmentId)).toEqual(['freezer-sched', 'freezer-sched']);
    expect(Date.parse(asked[1]!.at) - Date.parse(asked[0]!.at)).toBe(every);
    expect(await equipment.query(equipmentStatusQuery)).toMatchObject({ risk: 0.9, riskThreshold: 0.4 });
    await equipment.terminate('done');
  });

  it('keeps its cadence across continue-as-new: the next assessment is due from the first run’s clock', async () => {
    const { env } = ctx;
    asked.length = 0;
    const every = 60 * 60 * 1000;
    const equipment = await env.client.workflow.start<typeof equipmentWorkflow>('equipmentWorkflow', {
      taskQueue: TASK_QUEUE, workflowId: equipmentWorkflowId('tank-sched'), args: [{ equipmentId: 'tank-sched', assessEveryMs: every }],
    });
    const first = await equipment.describe();
    await env.sleep(every / 2);
    for (let i = 0; i < 500; i++) await equipment.signal(equipmentAssignSignal, { batchId: `batch-${i % 2}`, assigned: i % 2 === 0 });
    const latest = env.client.workflow.getHandle(equipmentWorkflowId('tank-sched'));
    for (let i = 0; i < 50 && (await latest.describe()).runId === first.runId; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await latest.describe()).runId).not.toBe(first.runId);

    await env.sleep(every / 2 + 60_000);
    expect(asked.map((a) => a.equipmentId)).toEqual(['tank-sched']);
    const due = Date.parse(asked[0]!.at) - first.startTime.getTime();
    expect(due).toBeGreaterThanOrEqual(every);
    expect(due).toBeLessThan(every + 5_000);
    await latest.terminate('done');
  });
});
