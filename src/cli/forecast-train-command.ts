import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { createDatabase, requireDatabaseUrl, type Database } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { TARGETS } from '../forecast/features/feature-list.js';
import { LANDMARK_SOURCES } from '../forecast/training/landmark-source.js';
import { stackPaths } from '../stack/paths.js';
import { parseCommandOptions } from './command-options.js';
import { configWithStack } from './stack-env.js';

const TARGET_NAMES = TARGETS.map((t) => t.name) as [(typeof TARGETS)[number]['name'], ...(typeof TARGETS)[number]['name'][]];

export const targetOption = z.enum(TARGET_NAMES, { error: `the turnaround target, one of ${TARGET_NAMES.join(', ')}` });

/** What train and backtest read and how they fit: the same flags for both. */
export const trainingOptionsSchema = z
  .object({
    target: targetOption,
    source: z.enum(LANDMARK_SOURCES, { error: `where the landmarks come from, one of ${LANDMARK_SOURCES.join(', ')}` }),
    seed: z.coerce.number({ error: 'a simulated history’s seed, a whole number' }).int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    until: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 instant such as 2027-06-01T00:00:00Z: what training may know stops there' })
      .transform((s) => new Date(s))
      .optional(),
    scope: z.string().min(1),
    folds: z.coerce.number().int().min(1).max(10, { error: 'rolling origins, from 1 to 10' }),
    rounds: z.coerce.number().int().min(1).max(5_000, { error: 'boosting rounds per quantile model, from 1 to 5,000' }).optional(),
  })
  .refine((o) => o.seed === undefined || o.source === 'simulated', { message: 'only a simulated history has a seed (use it with --source simulated)', path: ['seed'] });

/** Adds the flags of trainingOptionsSchema to a command. */
export const withTrainingOptions = (command: Command) =>
  command
    .requiredOption('--target <name>', `what to forecast: ${TARGET_NAMES.join(' | ')}`)
    .option('--source <source>', 'simulated (the twin’s histories) or real (the network’s own batches)', 'simulated')
    .option('--seed <s>', 'only this simulated history')
    .option('--until <iso>', 'what training knows stops here (default: the newest record of the source)')
    .option('--scope <scope>', 'registry scope', 'network')
    .option('--folds <k>', 'rolling origins of the backtest', '3')
    .option('--rounds <n>', 'boosting rounds per quantile model (default 200)');

/** Runs `work` with a migrated database and, for training, the trainer's python. */
export async function withRegistry<T>(config: () => Config, work: (db: Database, python: () => Promise<string>) => Promise<T>): Promise<T> {
  const full = configWithStack(config());
  const url = requireDatabaseUrl(full.DATABASE_URL);
  await migrateDatabase(url);
  const { db, pool } = createDatabase(url, { max: 3 });
  const python = async () => {
    const { ensureForecastPython } = await import('../forecast/python-env.js');
    return ensureForecastPython(stackPaths(full).root, (line) => console.error(line));
  };
  try {
    return await work(db, python);
  } finally {
    await pool.end();
  }
}

/** `v2v forecast train`: fit a candidate from PostgreSQL, backtest it, register it (not promote it). */
export function forecastTrainCommand(config: () => Config): Command {
  return withTrainingOptions(new Command('train'))
    .description('train a turnaround model from the landmarks in PostgreSQL, backtest it by rolling origin, and register it as a candidate')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(trainingOptionsSchema, raw);
      // Imported here so that the other commands do not load the forecast code.
      const { trainCandidate, describeCandidate } = await import('../forecast/training/index.js');
      await withRegistry(config, async (db, python) => {
        const { model, metrics } = await trainCandidate(db, { ...options, python: await python(), progress: (line) => console.error(line) });
        for (const line of describeCandidate(model.id, model.target, metrics)) console.log(line);
      });
    });
}
