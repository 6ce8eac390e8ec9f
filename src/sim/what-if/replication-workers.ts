import { Worker } from 'node:worker_threads';
import type { ReplicationPlan, ReplicationResult } from './replication.js';

/**
 * Replications spread over worker threads (each runs the TypeScript through tsx, as the CLI does):
 * a replication is handed to whichever worker is free, and the results come back as they finish.
 * Each replication's seed depends only on its number, so the answer does not depend on the workers.
 */
export function runInWorkers(plan: ReplicationPlan, replications: number, workers: number, onReplication?: (done: number, total: number) => void): Promise<ReplicationResult[]> {
  return new Promise((resolve, reject) => {
    const results: ReplicationResult[] = [];
    const pool: Worker[] = [];
    let next = 0;
    let failed = false;
    const finish = (error?: Error) => {
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve(results);
    };
    const hand = (worker: Worker) => {
      if (next < replications) worker.postMessage(next++);
      else void worker.terminate();
    };
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(new URL('./replication-worker.mjs', import.meta.url), { workerData: plan });
      pool.push(worker);
      worker.on('message', (result: ReplicationResult) => {
        results.push(result);
        onReplication?.(results.length, replications);
        if (results.length === replications) finish();
        else hand(worker);
      });
      worker.on('error', (error) => {
        if (!failed) finish(error);
        failed = true;
      });
      hand(worker);
    }
  });
}
