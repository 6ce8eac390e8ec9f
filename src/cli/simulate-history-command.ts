import { Command } from 'commander';
import { z } from 'zod';
import { databaseOwnerUrl, type Config } from '../config.js';
import { createDatabase, requireDatabaseUrl } from '../db/client.js';
import { parseCommandOptions } from './command-options.js';
import { prepareDatabase } from './migrate-command.js';
import { configWithStack } from './stack-env.js';

const historyOptionsSchema = z
  .object({
    batches: z.coerce.number().int().min(1).max(1_000_000).optional(),
    seed: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    scenario: z.string().min(1),
    checksum: z.boolean().default(false),
    clear: z.boolean().default(false),
  })
  .refine((o) => o.clear || o.batches !== undefined, { message: 'how many batches to simulate (or --clear)', path: ['batches'] });

/** `v2v simulate history`: a simulated past of the network, written into the real tables. */
export function simulateHistoryCommand(config: () => Config): Command {
  return new Command('history')
    .description('simulate N batches with the digital twin and write them, marked simulated, into PostgreSQL; the same seed writes the same rows, replacing what it wrote before')
    .option('--batches <n>', 'patients to simulate (the last ones enrolled are still in flight)')
    .requiredOption('--seed <s>', 'the run: same seed and scenario, same rows')
    .option('--scenario <file>', 'the network and its parameters (docs/twin.md)', 'scenarios/baseline.json')
    .option('--checksum', "print the md5 of the seed's rows (equal for equal histories)")
    .option('--clear', "delete the seed's history instead of writing one")
    .addHelpText('after', '\nWhat is written, and what is not: docs/history-mode.md.')
    .action(async (raw: Record<string, unknown>) => {
      const { batches, seed, scenario, checksum, clear } = parseCommandOptions(historyOptionsSchema, raw);
      const full = configWithStack(config());
      const url = requireDatabaseUrl(full.DATABASE_URL);
      await prepareDatabase(requireDatabaseUrl(databaseOwnerUrl(full)));
      // Imported here so that the other commands do not load the twin.
      const { runHistory, describeHistoryRun, clearSeed } = await import('../sim/history/run-history.js');
      const { pool } = createDatabase(url, { max: 3 });
      try {
        if (clear) console.log(`seed ${seed}: ${await clearSeed(pool, seed)} simulated batches deleted, with their rows`);
        else for (const line of describeHistoryRun(await runHistory(pool, { scenarioFile: scenario, batches: batches!, seed, checksum }))) console.log(line);
      } finally {
        await pool.end();
      }
    });
}
