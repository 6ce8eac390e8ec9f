import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client, Connection } from '@temporalio/client';
import { repoRoot } from '../../src/stack/paths.js';
import { TRIVIAL_TASK_QUEUE } from '../trivial-workflow.js';
import { startedIds } from './driver-tally.js';
import { countAll, type PhaseFigures } from './history-stats.js';
import { log } from './log.js';
import { CONCURRENCY, N, RUN } from './parameters.js';
import { bounded } from './phase-timeout.js';
import { pool } from './pool.js';
import { cpuMark, cpuSince } from './proc-stats.js';
import { childEnv, running, startWorker, stopWorker } from './worker-process.js';

/** N trivial one-activity workflows on bench/trivial-worker.ts: the server's and SDK's floor. */
export async function baselinePhase(client: Client, connection: Connection) {
  const worker = await startWorker('trivial worker', ['--import', 'tsx', path.join(repoRoot, 'bench/trivial-worker.ts')], childEnv({}), TRIVIAL_TASK_QUEUE, connection);
  const ids = Array.from({ length: N }, (_, i) => `bench-trivial-${RUN}-${i}`);
  const cpuAtStart = cpuMark(worker.pid);
  const started = performance.now();
  const results = await bounded(
    'the baseline phase',
    pool(N, CONCURRENCY, (i) =>
      (startedIds.push(ids[i]!), client.workflow.execute('trivialWorkflow', { taskQueue: TRIVIAL_TASK_QUEUE, workflowId: ids[i]! }).then(
        () => true,
        (err: unknown) => {
          log(`trivial ${i}: ${err instanceof Error ? err.message : err}`);
          return false;
        },
      )),
    ),
  );
  const wallMs = performance.now() - started;
  const cpu = cpuSince(cpuAtStart, cpuMark(worker.pid));
  const stopped = await stopWorker(worker);
  running.splice(running.indexOf(worker), 1);
  log(`baseline phase done in ${(wallMs / 1000).toFixed(1)} s; fetching histories`);
  const counts = await countAll(client, ids);
  const completed = results.filter(Boolean).length;
  const figures: PhaseFigures = { completed, failed: N - completed, wallMs, ...counts, worker: stopped, warnLines: worker.warnLines, cpu };
  return { figures, pid: worker.pid };
}

export type BaselinePhaseResult = Awaited<ReturnType<typeof baselinePhase>>;
