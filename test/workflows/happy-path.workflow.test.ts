import { describe, expect, it } from 'vitest';
import { JOURNEY } from '../../src/domain/stages.js';
import { batchInput, drive, historyLength, startBatch } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const DAY = 86_400_000;
const ctx = useBatchWorkflowEnv();

describe.each(['autologous-cd19-fresh', 'autologous-bcma-cryo'])('the happy path of %s', (productId) => {
  it('goes through every stage of the journey to COMPLETED in 5–7 simulated weeks', async () => {
    const input = batchInput(productId, 1);
    const wallStart = performance.now();
    const { env, fake } = ctx;
    const handle = await startBatch(env, input);
    const final = await drive(env, handle, input);
    const result = await handle.result();

    expect(final.stage).toBe('COMPLETED');
    expect(result.stage).toBe('COMPLETED');
    const stages = result.timeline.filter((t) => t.event === 'stage').map((t) => t.stage);
    expect(['ORDERED', ...stages]).toEqual([...JOURNEY]);
    // Measured on the workflow's own clock: from enrolment to the last stage change.
    const simulatedDays = (Date.parse(result.timeline.at(-1)!.at) - Date.parse(result.timeline[0]!.at)) / DAY;
    // About five weeks for the fresh product, about seven for the cryopreserved one.
    expect(simulatedDays / 7).toBeGreaterThanOrEqual(4.5);
    expect(simulatedDays / 7).toBeLessThanOrEqual(7.5);
    expect(await historyLength(handle)).toBeLessThan(400);
    console.info(`${productId}: ${simulatedDays.toFixed(1)} simulated days in ${(performance.now() - wallStart).toFixed(0)} ms, ${await historyLength(handle)} history events`);

    // Every hand-off and the QA decision left one custody record each.
    const records = [...fake.custody.values()].filter((r) => r.batchId === input.batchId);
    expect(records.map((r) => r.kind)).toEqual(['handoff', 'handoff', 'handoff', 'qa-disposition', 'handoff', 'handoff', 'infusion-booking', 'handoff']);
    expect(fake.leftovers(input.batchId)).toEqual({ reservedSlots: 0, activeBookings: 1, openShipments: 0 });
  });
});
