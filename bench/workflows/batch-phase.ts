import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client, Connection } from '@temporalio/client';
import type { createDatabase } from '../../src/db/client.js';
import { repoRoot } from '../../src/stack/paths.js';
import { TASK_QUEUE } from '../../workflows/messages.js';
import { drive } from './batch-driver.js';
import { handoffLatencies } from './driver-tally.js';
import { countAll, type PhaseFigures } from './history-stats.js';
import { log } from './log.js';
import { cpuProfileArgs } from '../cpu-profile.js';
import { CONCURRENCY, flags, N, RUN, TIME_SCALE } from './parameters.js';
import { bounded, isAborted } from './phase-timeout.js';
import { pool } from './pool.js';
import { cpuMark, cpuSince } from './proc-stats.js';
import { insertBatches, prepareReferenceData } from './reference-data.js';
import { childEnv, running, startWorker, stopWorker } from './worker-process.js';
import { terminate } from './workflow-termination.js';

/** N batches through the whole journey, driven `CONCURRENCY` at a time, on `node bin/v2v.js worker`. */
export async function batchPhase(client: Client, connection: Connection, db: ReturnType<typeof createDatabase>['db']) {
  const setup = await prepareReferenceData(db);
  const cases = await insertBatches(db, setup);
  log(`${cases.length} batch rows inserted (run ${RUN}); starting the V2V worker`);
  const worker = await startWorker('v2v worker', [...cpuProfileArgs(flags.profile), path.join(repoRoot, 'bin/v2v.js'), 'worker'], childEnv({ V2V_TIME_SCALE: String(TIME_SCALE) }), TASK_QUEUE, connection);
  const cpuAtStart = cpuMark(worker.pid);
  const started = performance.now();
  let done = 0;
  const progress = setInterval(() => log(`batches: ${done}/${N} settled, ${handoffLatencies.length} hand-offs`), 15_000);
  const outcomes = await bounded(
    'the batch phase',
    pool(cases.length, CONCURRENCY, async (i) => {
      const o = await drive(client, cases[i]!);
      done++;
      if (o.error && !isAborted()) log(`batch ${i} (${o.workflowId}): ${o.error}`);
      return o;
    }),
  ).finally(() => clearInterval(progress));
  const wallMs = performance.now() - started;
  const cpu = cpuSince(cpuAtStart, cpuMark(worker.pid));
  const stopped = await stopWorker(worker);
  running.splice(running.indexOf(worker), 1);
  log(`batch phase done in ${(wallMs / 1000).toFixed(1)} s; fetching ${outcomes.length} histories and their shipment legs`);
  const completedIds = outcomes.filter((o) => o.stage === 'COMPLETED').map((o) => o.workflowId);
  const abandoned = outcomes.filter((o) => o.error).map((o) => o.workflowId);
  if (abandoned.length) await terminate(client, abandoned, 'abandoned by the bench driver');
  const counts = await countAll(client, outcomes.map((o) => o.workflowId));
  const figures: PhaseFigures = {
    completed: completedIds.length,
    failed: outcomes.length - completedIds.length,
    wallMs,
    ...counts,
    worker: stopped,
    warnLines: worker.warnLines,
    cpu,
  };
  return { figures, outcomes, setup, pid: worker.pid, workerTail: worker.output.slice(-3) };
}

export type BatchPhaseResult = Awaited<ReturnType<typeof batchPhase>>;
