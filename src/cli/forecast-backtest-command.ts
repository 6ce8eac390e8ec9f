import { Command } from 'commander';
import type { Config } from '../config.js';
import { parseCommandOptions } from './command-options.js';
import { trainingOptionsSchema, withRegistry, withTrainingOptions } from './forecast-train-command.js';

/** `v2v forecast backtest`: the rolling-origin backtest train would run, printed, nothing registered. */
export function forecastBacktestCommand(config: () => Config): Command {
  return withTrainingOptions(new Command('backtest'))
    .description('run the rolling-origin backtest of a turnaround model on the landmarks in PostgreSQL and print it, registering nothing')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(trainingOptionsSchema, raw);
      const { backtestFromDatabase, backtestFigures, describeBacktest } = await import('../forecast/training/index.js');
      await withRegistry(config, async (db, python) => {
        const { backtest } = await backtestFromDatabase(db, { ...options, python: await python(), progress: (line) => console.error(line) });
        for (const line of describeBacktest(options.target, backtestFigures(backtest))) console.log(line);
      });
    });
}
