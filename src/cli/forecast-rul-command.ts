import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { stackPaths } from '../stack/paths.js';
import { parseCommandOptions } from './command-options.js';

const rulOptionsSchema = z.object({
  train: z.string().min(1),
  test: z.string().min(1),
  out: z.string().min(1),
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1),
  folds: z.coerce.number().int().min(2).max(100),
});

/** `v2v forecast rul`: the maintenance RUL model on NASA C-MAPSS, a public yardstick. */
export function forecastRulCommand(config: () => Config): Command {
  return new Command('rul')
    .description('train the remaining-useful-life model on NASA C-MAPSS (FD001 format; RUL capped at 125), print its validation RMSE and NASA score, and write one predicted RUL per test engine')
    .requiredOption('--train <file>', 'run-to-failure engines (train_FD001.txt)')
    .requiredOption('--test <file>', 'engines cut before failure (test_FD001.txt)')
    .requiredOption('--out <file.csv>', 'where to write `unit,rul`, one row per test engine at its last cycle')
    .option('--seed <s>', 'the validation folds and cuts; the same seed gives the same figures', '1')
    .option('--folds <k>', 'validation folds of the training engines, split by engine', '5')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(rulOptionsSchema, raw);
      // Imported here so that the other commands do not load the forecast code.
      const { ensureForecastPython } = await import('../forecast/python-env.js');
      const { describeRul, runRul } = await import('../forecast/rul/run-rul.js');
      const python = await ensureForecastPython(stackPaths(config()).root, (line) => console.error(line));
      for (const line of describeRul(await runRul(python, options), options)) console.log(line);
    });
}
