import { describe, expect, it } from 'vitest';
import { statusQuery, TASK_QUEUE } from '../../workflows/messages.js';
import { equipmentAssignSignal, equipmentRiskUpdateSignal, equipmentStatusQuery, equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import type { equipmentWorkflow } from '../../workflows/equipment.js';
import { batchInput, drive, startBatch } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const ctx = useBatchWorkflowEnv();
const at = () => new Date().toISOString();

describe('the equipment workflow', () => {
  it('tells the batches it carries when its risk crosses the threshold, once per crossing', async () => {
    const { env, fake } = ctx;
    const input = batchInput('autologous-cd19-fresh', 400);
    const batch = await startBatch(env, input);
    await drive(env, batch, input, (s) => s.stage === 'MANUFACTURING');
    const equipment = await env.client.workflow.start<typeof equipmentWorkflow>('equipmentWorkflow', {
      taskQueue: TASK_QUEUE, workflowId: equipmentWorkflowId('bioreactor-7'), args: [{ equipmentId: 'bioreactor-7' }],
    });
    await equipment.signal(equipmentAssignSignal, { batchId: input.batchId, assigned: true });
    for (const risk of [0.2, 0.75, 0.8, 0.9]) await equipment.signal(equipmentRiskUpdateSignal, { risk, at: at() });
    await equipment.signal(equipmentRiskUpdateSignal, { risk: 0.3, at: at() });
    expect((await equipment.query(equipmentStatusQuery)).risk).toBe(0.3);

    // The equipment tells the batch by signal: its note lands once the batch has run its alert.
    const riskNotes = async () => (await batch.query(statusQuery)).timeline.filter((t) => t.event === 'equipment-risk').map((t) => t.detail);
    for (let i = 0; i < 100 && (await riskNotes()).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const notes = await riskNotes();
    expect(notes).toEqual(['bioreactor-7 above 0.7', 'bioreactor-7 below 0.7']);
    expect([...fake.alerts.values()].filter((a) => a.batchId === input.batchId && a.kind === 'equipment-risk')).toHaveLength(1);
    await batch.terminate('done');
    await equipment.terminate('done');
  });

  it('continues as new with its state after 500 events, keeping each run short', async () => {
    const { env } = ctx;
    const equipment = await env.client.workflow.start<typeof equipmentWorkflow>('equipmentWorkflow', {
      taskQueue: TASK_QUEUE, workflowId: equipmentWorkflowId('freezer-2'), args: [{ equipmentId: 'freezer-2' }],
    });
    const firstRun = (await equipment.describe()).runId;
    for (let i = 0; i < 500; i++) await equipment.signal(equipmentAssignSignal, { batchId: `batch-${i % 3}`, assigned: i % 2 === 0 });
    await equipment.signal(equipmentRiskUpdateSignal, { risk: 0.5, at: at() });
    const latest = env.client.workflow.getHandle(equipmentWorkflowId('freezer-2'));
    let described = await latest.describe();
    for (let i = 0; i < 50 && described.runId === firstRun; i++) {
      await new Promise((r) => setTimeout(r, 100));
      described = await latest.describe();
    }
    expect(described.runId).not.toBe(firstRun);
    const state = await latest.query(equipmentStatusQuery);
    // The last word on each batch: batch-0 assigned (i = 498), batch-1 (499) and batch-2 (497) released.
    expect(state.batchIds).toEqual(['batch-0']);
    expect(state.risk).toBe(0.5);
    await latest.terminate('done');
  });
});
