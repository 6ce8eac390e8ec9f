import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { configWithStack } from '../../src/cli/stack-env.js';
import { createDatabase, requireDatabaseUrl } from '../../src/db/client.js';
import { inTransaction } from '../../src/db/transaction.js';
import { clearHistory } from '../../src/sim/history/clear-history.js';
import { scenarioSites } from '../../src/sim/history/scenario-sites.js';
import { writeHistory } from '../../src/sim/history/write-history.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { procStatus } from '../workflows/proc-status.js';
import { rawCopy } from './raw-copy.js';

/**
 * One size of bench/twin/history.ts, in a process of its own so that its peak RSS is its own:
 * the simulation alone, the same rows COPYed into bare tables, then the history written for real.
 * Prints one JSON line.
 */
const { values } = parseArgs({ options: { batches: { type: 'string' }, seed: { type: 'string' }, scenario: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const batches = Number(values.batches);
const seed = Number(values.seed);
const { pool } = createDatabase(requireDatabaseUrl(configWithStack(loadConfig()).DATABASE_URL), { max: 3 });
const seconds = async (work: () => unknown) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

try {
  const scenario = loadScenario(values.scenario!);
  let result!: ReturnType<typeof simulate>;
  const simulateSeconds = await seconds(() => (result = simulate(scenario, { seed, batches, drain: false })));
  const simulatedPeakRssMiB = (procStatus(process.pid)['VmHWM'] ?? NaN) / 1024;
  const facts = scenarioSites(scenario);
  const rawCopySeconds = await seconds(() => rawCopy(pool, result, facts));
  const written = await writeHistory(pool, result, facts);
  if (!values.keep) await inTransaction(pool, (client) => clearHistory(client, seed));
  const rss = procStatus(process.pid);
  console.log(JSON.stringify({ batches, simulateSeconds, rawCopySeconds, written, simulatedPeakRssMiB, peakRssMiB: (rss['VmHWM'] ?? NaN) / 1024 }));
} finally {
  await pool.end();
}
