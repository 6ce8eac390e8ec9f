import { Command } from 'commander';
import type { Config } from '../config.js';
import { forecastBacktestCommand } from './forecast-backtest-command.js';
import { forecastListCommand } from './forecast-list-command.js';
import { forecastPromoteCommand } from './forecast-promote-command.js';
import { forecastRulCommand } from './forecast-rul-command.js';
import { forecastTrainCommand } from './forecast-train-command.js';

/**
 * `v2v forecast …`: training and judging the forecast models (src/forecast/). Each task adds its
 * own subcommand below.
 */
export function forecastCommand(config: () => Config): Command {
  return new Command('forecast')
    .description('the forecast models: train, judge and benchmark them')
    .addCommand(forecastTrainCommand(config))
    .addCommand(forecastBacktestCommand(config))
    .addCommand(forecastPromoteCommand(config))
    .addCommand(forecastListCommand(config))
    .addCommand(forecastRulCommand(config));
}
