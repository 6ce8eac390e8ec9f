import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { safeText } from '../domain/text.js';
import { createLogger } from '../logging.js';
import { parseCommandOptions } from './command-options.js';
import { configWithStack } from './stack-env.js';

// A path: no NUL or control characters, and no longer than Linux's PATH_MAX.
const workerOptionsSchema = z.object({ writeBundle: safeText({ max: 4096 }).optional() });

export function workerCommand(config: () => Config): Command {
  return new Command('worker')
    .description('run a worker: the batch, shipment and equipment workflows, the batch activities and the outbox publisher (Ctrl-C drains it)')
    .option('--write-bundle <file>', 'write the workflow bundle to <file> and exit, for V2V_WORKFLOW_BUNDLE (a deployment builds it once; its workers start without bundling)')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(workerOptionsSchema, raw);
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
