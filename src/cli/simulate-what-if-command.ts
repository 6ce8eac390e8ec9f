import { Command } from 'commander';
import { z } from 'zod';
import { parseCommandOptions } from './command-options.js';

const whatIfOptionsSchema = z.object({
  scenario: z.string().min(1),
  baseline: z.string().min(1).optional(),
  replications: z.coerce.number().int().min(1).max(10_000),
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1),
  years: z.coerce.number().positive().max(50).optional(),
  workers: z.coerce.number().int().min(1).max(64),
  calibration: z.boolean().default(false),
  policies: z.boolean().default(false),
  linesForP90Wait: z.coerce.number().positive().max(3650).optional(),
});

/** `v2v simulate what-if`: the baseline network against a scenario, KPIs with 95 % intervals. */
export function simulateWhatIfCommand(): Command {
  return new Command('what-if')
    .description('compare a scenario with its baseline over R replications of the digital twin (common random numbers): vein-to-vein, reach, utilisation, failures and cost per infused patient with 95 % intervals')
    .requiredOption('--scenario <file>', 'the what-if scenario (JSON; usually `"extends": "baseline.json"` plus its changes; docs/twin.md)')
    .requiredOption('--replications <r>', 'replications of the baseline and of the scenario')
    .option('--seed <s>', 'the first replication’s seed; the same seed gives the same figures', '1')
    .option('--years <y>', "years of enrolment in each replication (default: the scenario's horizon)")
    .option('--baseline <file>', 'what the scenario is compared with (default: the file it extends, else scenarios/baseline.json)')
    .option('--workers <n>', 'worker threads to spread the replications over', '1')
    .option('--calibration', "also print the baseline's calibration table (its first replication)")
    .option('--policies', 'instead: compare the allocation policies (first at the door, slot chain greedy and planner, urgency, fair share) on the scenario’s demand, the replications as seeds')
    .option('--lines-for-p90-wait <days>', 'instead: the fewest lines that keep the P90 order → infusion within this many days at the scenario’s demand')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(whatIfOptionsSchema, raw);
      // Imported here so that the other commands do not load the twin.
      const { runWhatIfCommand } = await import('../sim/what-if/what-if-command-run.js');
      await runWhatIfCommand(options);
    });
}
