/**
 * Workflow benchmark (see bench/README.md): N batches through the whole journey on the local
 * Temporal dev server with a compressed clock, against a baseline of N trivial one-activity
 * workflows measured in the same run.
 *
 *   npx tsx bench/workflows/main.ts [--batches 1000] [--concurrency 100] [--time-scale 86400]
 */
import { Client, Connection } from '@temporalio/client';
import { createDatabase } from '../../src/db/client.js';
import { temporalTransport } from '../../src/transport.js';
import { baselinePhase } from './baseline-phase.js';
import { batchPhase } from './batch-phase.js';
import { handoffLatencies } from './driver-tally.js';
import { log } from './log.js';
import { ensureNamespace } from './namespace.js';
import { CONCURRENCY, config, DATABASE_URL, flags, N, NAMESPACE, TIME_SCALE } from './parameters.js';
import { isAborted, markAborted, PhaseTimeout } from './phase-timeout.js';
import { writeReport } from './report.js';
import { running, stopAll } from './worker-process.js';
import { terminateOpen } from './workflow-termination.js';

let clientForSignals: Client | undefined;

async function main() {
  const benchStarted = Date.now();
  const connection = await Connection.connect(temporalTransport(config));
  const client = new Client({ connection, namespace: NAMESPACE });
  clientForSignals = client;
  const { db, pool: pgPool } = createDatabase(DATABASE_URL, { max: 4 });
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  try {
    const registered = await ensureNamespace(connection);
    log(`namespace ${NAMESPACE}${registered ? ' registered' : ''}; ${N} batches, concurrency ${CONCURRENCY}, time scale ${TIME_SCALE}`);

    const baseline = flags['skip-baseline'] ? undefined : await baselinePhase(client, connection);
    const batch = await batchPhase(client, connection, db);

    writeReport(out, batch, baseline, benchStarted);
    console.log(lines.join('\n'));
    if (batch.figures.failed > 0) process.exitCode = 1;
  } catch (err) {
    markAborted();
    if (lines.length) console.log(lines.join('\n'));
    if (err instanceof PhaseTimeout) {
      console.error(`ABORTED: ${err.message} (handoffs measured so far: ${handoffLatencies.length})`);
    } else {
      console.error(err);
    }
    for (const w of running) console.error(`last lines of ${w.name}:\n${w.output.slice(-20).join('\n')}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
    if (isAborted()) await terminateOpen(client);
    await connection.close();
    await pgPool.end();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (isAborted()) return;
    markAborted();
    log(`${signal}: stopping the workers and terminating this run's open workflows`);
    void stopAll()
      .then(() => (clientForSignals ? terminateOpen(clientForSignals) : undefined))
      .finally(() => process.exit(130));
  });
}

await main();
// Pending drivers of an aborted phase must not keep the process alive.
process.exit(process.exitCode ?? 0);
