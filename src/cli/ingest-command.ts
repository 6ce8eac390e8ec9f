import { Command } from 'commander';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { configWithStack } from './stack-env.js';

export function ingestCommand(config: () => Config): Command {
  return new Command('ingest')
    .description(
      'consume sensor readings (creating the topics with $V2V_INGEST_PARTITIONS partitions if missing), store them, detect excursions and signal the workflows; /healthz, /readyz and /metrics on 127.0.0.1:$V2V_INGEST_PORT',
    )
    .action(async () => {
      const resolved = configWithStack(config());
      // Imported here so that the other commands do not load kafkajs and the Temporal client.
      const { runIngest } = await import('../ingest/run-ingest.js');
      await runIngest({ config: resolved, logger: createLogger(resolved, 'ingest') });
    });
}
