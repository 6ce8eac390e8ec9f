import { Command } from 'commander';
import type { Config } from '../config.js';
import { simulateHistoryCommand } from './simulate-history-command.js';
import { simulateLiveCommand } from './simulate-live-command.js';
import { simulateWhatIfCommand } from './simulate-what-if-command.js';

/**
 * `v2v simulate history|live|what-if`: the digital twin (src/sim/). Each mode adds its own
 * subcommand below; the simulation itself is loaded only when a mode runs.
 */
export function simulateCommand(config: () => Config): Command {
  return new Command('simulate')
    .description('the digital twin of the vein-to-vein network: history, live and what-if modes')
    .addCommand(simulateHistoryCommand(config))
    .addCommand(simulateLiveCommand(config))
    .addCommand(simulateWhatIfCommand());
}
