import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { calibrationTable, formatCalibrationTable } from '../../src/sim/calibration/calibration-table.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { runWhatIf } from '../../src/sim/what-if/run-what-if.js';
import { formatWhatIfReport } from '../../src/sim/what-if/what-if-report.js';

// What-if speed: R replications of one simulated year of the baseline network (5 apheresis
// centres, 3 facilities, 8 treatment centres: scenarios/baseline.json) against a what-if scenario,
// then one year of the baseline alone for its throughput and the calibration table.
const { values: flags } = parseArgs({
  options: {
    replications: { type: 'string', default: '100' },
    scenario: { type: 'string', default: 'scenarios/line-down-week.json' },
    baseline: { type: 'string', default: 'scenarios/baseline.json' },
    workers: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:twin:what-if -- [options]
  --replications R   replications of the baseline and of the scenario, default 100
  --scenario FILE    the what-if, default scenarios/line-down-week.json
  --baseline FILE    default scenarios/baseline.json
  --workers N        worker threads, default 1 (this machine has ${availableParallelism()} cores)
  --seed S           default 1`);
  process.exit(0);
}

const baseline = loadScenario(flags.baseline);
const scenario = loadScenario(flags.scenario);
const replications = Number(flags.replications);
const seed = Number(flags.seed);

const report = await runWhatIf(
  { baseline, scenario, seed, years: 1 },
  {
    replications,
    workers: Number(flags.workers),
    onReplication: (done, total) => process.stderr.isTTY && process.stderr.write(`\r  replication ${done}/${total}${done === total ? '\n' : ''}`),
  },
);
console.log(formatWhatIfReport(report));

const started = performance.now();
const year = simulate(baseline, { seed, years: 1, telemetry: false });
const yearSeconds = (performance.now() - started) / 1000;
const seconds = report.elapsedMs / 1000;
console.log(`
what-if, ${replications} replications × (baseline + scenario), 1 simulated year each: ${seconds.toFixed(1)} s (${(seconds / (2 * replications)).toFixed(2)} s per network-year, ${Math.round(report.batches / seconds).toLocaleString('en-US')} batches/s, ${flags.workers} worker(s))
one simulated year of ${baseline.name} alone: ${year.batches.length} batches in ${yearSeconds.toFixed(2)} s (${Math.round(year.batches.length / yearSeconds).toLocaleString('en-US')} batches/s)

Calibration (${baseline.name}, one year, seed ${seed}):
${formatCalibrationTable(calibrationTable(year, baseline))}`);
