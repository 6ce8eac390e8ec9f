import { Command } from 'commander';
import { z } from 'zod';
import { databaseOwnerUrl, type Config } from '../config.js';
import { createDatabase, requireDatabaseUrl, type Database } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { EQUIPMENT_KINDS } from '../domain/stages.js';
import { TARGETS } from '../forecast/features/feature-list.js';
import { TRAINING_SOURCES } from '../forecast/retrain/training-source.js';
import { stackPaths } from '../stack/paths.js';
import { parseCommandOptions } from './command-options.js';
import { configWithStack } from './stack-env.js';

const TARGET_NAMES = TARGETS.map((t) => t.name) as [(typeof TARGETS)[number]['name'], ...(typeof TARGETS)[number]['name'][]];

export const targetOption = z.enum(TARGET_NAMES, { error: `the turnaround target, one of ${TARGET_NAMES.join(', ')}` });

/** What train and backtest read and how they fit: the same flags for both. */
const trainingFields = z
  .object({
    target: targetOption,
    source: z.enum(TRAINING_SOURCES, { error: `where the landmarks come from, one of ${TRAINING_SOURCES.join(', ')}` }),
    seed: z.coerce.number({ error: 'a simulated history’s seed, a whole number' }).int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    until: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 instant such as 2027-06-01T00:00:00Z: what training may know stops there' })
      .transform((s) => new Date(s))
      .optional(),
    scope: z.string().min(1),
    folds: z.coerce.number().int().min(1).max(10, { error: 'rolling origins, from 1 to 10' }),
    rounds: z.coerce.number().int().min(1).max(5_000, { error: 'boosting rounds per quantile model, from 1 to 5,000' }).optional(),
  });
const seedNeedsSimulated = { message: 'only a simulated history has a seed (use it with --source simulated)', path: ['seed'] };
export const trainingOptionsSchema = trainingFields.refine((o) => o.seed === undefined || o.source === 'simulated', seedNeedsSimulated);

const EQUIPMENT_TARGETS = ['equipment_failure_7d', 'equipment_rul'] as const;
/** train also takes the maintenance targets: both models of one equipment kind are trained together. */
const trainOptionsSchema = trainingFields
  .extend({
    target: z.enum([...TARGET_NAMES, ...EQUIPMENT_TARGETS], { error: `what to forecast, one of ${[...TARGET_NAMES, ...EQUIPMENT_TARGETS].join(', ')}` }),
    kind: z.enum(EQUIPMENT_KINDS, { error: `the equipment kind, one of ${EQUIPMENT_KINDS.join(', ')}` }).optional(),
  })
  .refine((o) => o.seed === undefined || o.source === 'simulated', seedNeedsSimulated)
  .refine((o) => (o.kind !== undefined) === o.target.startsWith('equipment_'), {
    message: 'an equipment target needs --kind, and a turnaround target takes none',
    path: ['kind'],
  });

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
  await migrateDatabase(requireDatabaseUrl(databaseOwnerUrl(full)));
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
    .option('--kind <kind>', `with an equipment target (${EQUIPMENT_TARGETS.join(' | ')}): the kind whose failure and RUL models to train, ${EQUIPMENT_KINDS.join(' | ')}`)
    .description('train a turnaround model from the landmarks in PostgreSQL (backtested by rolling origin), or the maintenance models of an equipment kind, and register it as a candidate')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = parseCommandOptions(trainOptionsSchema, raw);
      if (parsed.kind !== undefined) return trainMaintenance(config, { ...parsed, kind: parsed.kind });
      const options = { ...parsed, target: targetOption.parse(parsed.target) };
      // Imported here so that the other commands do not load the forecast code.
      const { trainCandidate, describeCandidate } = await import('../forecast/training/index.js');
      await withRegistry(config, async (db, python) => {
        const { model, metrics } = await trainCandidate(db, { ...options, python: await python(), progress: (line) => console.error(line) });
        for (const line of describeCandidate(model.id, model.target, metrics)) console.log(line);
      });
    });
}

/** Both maintenance models of one kind, measured on the newest days and registered as candidates. */
async function trainMaintenance(config: () => Config, options: z.infer<typeof trainOptionsSchema> & { kind: (typeof EQUIPMENT_KINDS)[number] }) {
  const { trainMaintenanceCandidates } = await import('../forecast/maintenance/index.js');
  await withRegistry(config, async (db, python) => {
    const scope = options.scope === 'network' ? options.kind : options.scope;
    const { failure, rul, metrics } = await trainMaintenanceCandidates(db, await python(), {
      kind: options.kind, source: options.source, scope,
      ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.until ? { until: options.until } : {}), ...(options.rounds ? { rounds: options.rounds } : {}),
    });
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    console.log(`${failure.id}: candidate; fails within 7 days on ${metrics.testRows} newer unit-days (${metrics.positives} failing): precision ${pct(metrics.precision)}, recall ${pct(metrics.recall)} at ${metrics.threshold.toFixed(3)}, PR-AUC ${metrics.prAuc.toFixed(3)}`);
    console.log(`${rul.id}: candidate; RUL MAE ${metrics.rulMae.toFixed(2)} days`);
    console.log(`promote each with: v2v forecast promote <id>`);
  });
}
