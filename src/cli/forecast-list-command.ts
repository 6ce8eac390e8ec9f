import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { MODEL_TARGETS } from '../db/schema/index.js';
import { parseCommandOptions } from './command-options.js';
import { withRegistry } from './forecast-train-command.js';

const listOptionsSchema = z.object({ target: z.enum(MODEL_TARGETS, { error: `one of ${MODEL_TARGETS.join(', ')}` }).optional() });

/** `v2v forecast list`: the registry, newest version first per target and scope. */
export function forecastListCommand(config: () => Config): Command {
  return new Command('list')
    .description('list the registered models: state, training window and backtest figures')
    .option('--target <name>', `only this target: ${MODEL_TARGETS.join(' | ')}`)
    .action(async (raw: Record<string, unknown>) => {
      const { target } = parseCommandOptions(listOptionsSchema, raw);
      const { listModels } = await import('../forecast/registry/index.js');
      const { describeModels } = await import('../forecast/training/describe.js');
      await withRegistry(config, async (db) => {
        for (const line of describeModels(await listModels(db, target))) console.log(line);
      });
    });
}
