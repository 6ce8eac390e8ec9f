import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { calibrationTable, formatCalibrationTable } from '../calibration/calibration-table.js';
import { baseOf, loadScenario } from '../scenario/load-scenario.js';
import { simulate } from '../twin/simulate.js';
import { replicationSeed } from './replication.js';
import { runWhatIf } from './run-what-if.js';
import { formatWhatIfReport } from './what-if-report.js';
import { runAllocationCommand } from './allocation-command-run.js';

const DEFAULT_BASELINE = 'scenarios/baseline.json';

export interface WhatIfRunOptions {
  scenario: string;
  baseline?: string;
  replications: number;
  seed: number;
  years?: number;
  workers: number;
  calibration: boolean;
  /** Compare the allocation policies on the scenario instead (issue 18). */
  policies?: boolean;
  /** Sweep the network's line count for this P90 order → infusion bound instead. */
  linesForP90Wait?: number;
}

/** What `v2v simulate what-if` does once its options are valid: load, run, print. */
export async function runWhatIfCommand(options: WhatIfRunOptions): Promise<void> {
  if (options.policies || options.linesForP90Wait !== undefined) return runAllocationCommand(options);
  const baselineFile = options.baseline ?? baseOf(options.scenario) ?? DEFAULT_BASELINE;
  if (!existsSync(resolve(baselineFile))) throw new Error(`No baseline scenario at ${baselineFile}: pass --baseline FILE.`);
  const baseline = loadScenario(baselineFile);
  const scenario = loadScenario(options.scenario);
  const tty = process.stderr.isTTY;
  const report = await runWhatIf(
    { baseline, scenario, seed: options.seed, years: options.years },
    {
      replications: options.replications,
      workers: options.workers,
      onReplication: (done, total) => {
        if (tty) process.stderr.write(`\r  replication ${done}/${total}`);
        if (tty && done === total) process.stderr.write('\n');
      },
    },
  );
  console.log(formatWhatIfReport(report));
  if (options.calibration) {
    const run = simulate(baseline, { seed: replicationSeed(options.seed, 0), years: options.years, telemetry: false });
    console.log(`\nCalibration of ${baseline.name} (replication 1):\n${formatCalibrationTable(calibrationTable(run, baseline))}`);
  }
}
