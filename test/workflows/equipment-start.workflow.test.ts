import { describe, expect, it } from 'vitest';
import { excursionSignal, milestoneSignal, statusQuery } from '../../workflows/messages.js';
import { equipmentStatusQuery, equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import { batchInput, drive, startBatch, waitUntilAwaitingChanges } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

// Its own file (its own test environment), like equipment-excursion: after a batch is terminated,
// the time-skipping server sometimes stops skipping for the next batch of the same environment.
const ctx = useBatchWorkflowEnv();
const at = () => new Date().toISOString();

describe('equipment nobody has reported on yet', () => {
  it('starts the workflow of a bioreactor nobody has reported on yet, so its first excursion reaches the batch inside it', async () => {
    const { env } = ctx;
    const input = batchInput('autologous-cd19-fresh', 402);
    const batch = await startBatch(env, input);
    await drive(env, batch, input, (s) => s.awaiting?.kind === 'milestone' && s.awaiting.milestone === 'manufacturing-started');
    await batch.signal(milestoneSignal, { milestone: 'manufacturing-started', at: at(), source: 'MES', data: { equipmentId: 'bioreactor-9' } });
    await waitUntilAwaitingChanges(batch, { kind: 'milestone', milestone: 'manufacturing-started' });
    const equipment = env.client.workflow.getHandle(equipmentWorkflowId('bioreactor-9'));
    expect((await equipment.query(equipmentStatusQuery)).batchIds).toEqual([input.batchId]);

    await equipment.signal(excursionSignal, { excursionId: 'exc-do-1', change: 'opened', kind: 'excursion', deviceId: 'do-probe-9', metric: 'dissolved_oxygen_pct', at: at() });
    let status = await batch.query(statusQuery);
    for (let i = 0; i < 50 && status.stage !== 'ON_HOLD'; i++) status = await batch.query(statusQuery);
    expect(status.stage).toBe('ON_HOLD');
    await batch.terminate('done');
    await equipment.terminate('done');
  });
});
