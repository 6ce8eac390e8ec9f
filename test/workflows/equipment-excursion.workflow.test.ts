import { describe, expect, it } from 'vitest';
import { excursionSignal, statusQuery, TASK_QUEUE } from '../../workflows/messages.js';
import { equipmentAssignSignal, equipmentStatusQuery, equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import type { equipmentWorkflow } from '../../workflows/equipment.js';
import { batchInput, drive, startBatch } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

// Its own file (its own test environment): after a batch is terminated, the time-skipping server
// sometimes stops skipping for the next batch of the same environment.
const ctx = useBatchWorkflowEnv();
const at = () => new Date().toISOString();

describe('an excursion of equipment', () => {
  it('passes an excursion of its own sensors to the batches it carries, which go on hold', async () => {
    const { env } = ctx;
    const input = batchInput('autologous-cd19-fresh', 401);
    const batch = await startBatch(env, input);
    await drive(env, batch, input, (s) => s.stage === 'MANUFACTURING');
    const equipment = await env.client.workflow.start<typeof equipmentWorkflow>('equipmentWorkflow', {
      taskQueue: TASK_QUEUE, workflowId: equipmentWorkflowId('bioreactor-8'), args: [{ equipmentId: 'bioreactor-8' }],
    });
    await equipment.signal(equipmentAssignSignal, { batchId: input.batchId, assigned: true });
    const change = { excursionId: 'exc-ph-1', kind: 'excursion', deviceId: 'ph-probe-8', metric: 'ph', at: at(), peak: 7.9 } as const;
    await equipment.signal(excursionSignal, { ...change, change: 'opened' });
    expect((await equipment.query(equipmentStatusQuery)).openExcursions).toEqual(['exc-ph-1']);

    let status = await batch.query(statusQuery);
    for (let i = 0; i < 50 && status.stage !== 'ON_HOLD'; i++) status = await batch.query(statusQuery);
    expect(status.stage).toBe('ON_HOLD');
    expect(status.issues.map((i) => [i.id, i.kind, i.blocking])).toEqual([['exc-ph-1', 'excursion', true]]);
    await equipment.signal(excursionSignal, { ...change, change: 'closed', at: at(), durationMs: 1_000 });
    expect((await equipment.query(equipmentStatusQuery)).openExcursions).toEqual([]);
    await batch.terminate('done');
    await equipment.terminate('done');
  });
});
