import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { parseCommandOptions } from './command-options.js';
import { withRegistry } from './forecast-train-command.js';

const promoteOptionsSchema = z.object({ force: z.boolean().default(false) });

/** `v2v forecast promote ID`: the promotion rule, applied; a refusal is an error (exit 1) naming both figures. */
export function forecastPromoteCommand(config: () => Config): Command {
  return new Command('promote')
    .description('make a candidate the active model of its target and scope, only if its backtest beats the active model (docs/forecasting.md)')
    .argument('<id>', 'the candidate, e.g. release_days:network:v3 (v2v forecast list)')
    .option('--force', 'promote even if the rule refuses')
    .action(async (id: string, raw: Record<string, unknown>) => {
      const { force } = parseCommandOptions(promoteOptionsSchema, raw);
      const { promoteIfBetter } = await import('../forecast/training/index.js');
      await withRegistry(config, async (db) => {
        const decision = await promoteIfBetter(db, id, { force });
        if (!decision.promoted) throw new Error(decision.reason);
        console.log(decision.reason + (decision.retired ? ` ${decision.retired.id} is retired.` : ''));
      });
    });
}
