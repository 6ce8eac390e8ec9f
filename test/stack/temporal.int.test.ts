import { NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stackConfig, unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';

describe('Temporal dev server from the stack', () => {
  const config = stackConfig();
  const temporal = useTemporalClient();

  it('runs a workflow on a real worker and lists it', async () => {
    const taskQueue = unique('smoke');
    const workflowId = unique('smoke-greet');
    const workerConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../fixtures/smoke-workflows.ts', import.meta.url)),
    });
    const result = await worker.runUntil(temporal.client.workflow.execute('greet', { taskQueue, workflowId, args: ['V2V'] }));
    await workerConnection.close();
    expect(result).toMatch(/^hello, V2V \(run [0-9a-f-]+\)$/);

    // Visibility is eventually consistent, even on the dev server.
    let listed: string[] = [];
    for (let attempt = 0; attempt < 50 && !listed.includes(workflowId); attempt++) {
      listed = [];
      for await (const wf of temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) listed.push(wf.workflowId);
      if (!listed.includes(workflowId)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed).toEqual([workflowId]);
  });
});
