import { Command } from 'commander';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { configWithStack } from './stack-env.js';

export function workerCommand(config: () => Config): Command {
  return new Command('worker')
    .description('run a worker: the batch, shipment and equipment workflows, the batch activities and the outbox publisher (Ctrl-C drains it)')
    .option('--write-bundle <file>', 'write the workflow bundle to <file> and exit, for V2V_WORKFLOW_BUNDLE (a deployment builds it once; its workers start without bundling)')
    .action(async (options: { writeBundle?: string }) => {
      if (options.writeBundle) {
        const { writeWorkflowBundle } = await import('../worker/workflow-bundle.js');
        console.log(`workflow bundle written to ${await writeWorkflowBundle(options.writeBundle)}`);
        return;
      }
      const resolved = configWithStack(config());
      // Imported here so that `v2v stack …` and friends do not load the Temporal native runtime.
      const { runWorker } = await import('../worker/run-worker.js');
      await runWorker({ config: resolved, logger: createLogger(resolved, 'worker') });
    });
}
