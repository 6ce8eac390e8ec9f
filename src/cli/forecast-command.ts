import { Command } from 'commander';
import type { Config } from '../config.js';
import { forecastRulCommand } from './forecast-rul-command.js';

/**
 * `v2v forecast …`: training and judging the forecast models (src/forecast/). Each task adds its
 * own subcommand below.
 */
export function forecastCommand(config: () => Config): Command {
  return new Command('forecast')
    .description('the forecast models: train, judge and benchmark them')
    .addCommand(forecastRulCommand(config));
}
