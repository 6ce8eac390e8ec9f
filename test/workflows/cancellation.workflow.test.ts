import { describe, expect, it } from 'vitest';
import type { Stage } from '../../src/domain/stages.js';
import { cancelUpdate } from '../../workflows/messages.js';
import { batchInput, drive, startBatch } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const ctx = useBatchWorkflowEnv();
const STAGES: Stage[] = ['ORDERED', 'OUTBOUND_TRANSIT', 'MANUFACTURING', 'RETURN_TRANSIT', 'INFUSION_SCHEDULED'];

describe.each(STAGES.map((stage, i) => [stage, i] as const))('cancelling at %s', (stage, i) => {
  it('compensates: no manufacturing slot, infusion booking or open shipment is left behind', async () => {
    const { env, fake } = ctx;
    const input = batchInput('autologous-bcma-cryo', 300 + i);
    const handle = await startBatch(env, input);
    await drive(env, handle, input, (s) => s.stage === stage);
    const answer = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'patient withdrew consent', actor: { name: 'Dr. Treating', role: 'physician' } }] });
    expect(answer.stage).toBe('CANCELLED');
    const result = await handle.result();
    expect(result.stage).toBe('CANCELLED');
    expect(result.awaiting).toBeNull();
    expect(result.shipments.every((s) => s.state !== 'in_transit')).toBe(true);
    expect(fake.leftovers(input.batchId)).toEqual({ reservedSlots: 0, activeBookings: 0, openShipments: 0 });
    const cancellation = [...fake.custody.values()].find((r) => r.batchId === input.batchId && r.kind === 'cancellation');
    expect(cancellation).toMatchObject({ actor: { role: 'physician' }, data: { reason: 'patient withdrew consent' } });
  });
});
