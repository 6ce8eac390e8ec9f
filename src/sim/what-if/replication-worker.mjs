// A worker thread of runInWorkers. Workers do not inherit the parent's TypeScript loader, so this
// small JavaScript entry registers tsx (as bin/v2v.js does) before loading the simulation.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runReplication } = await import('./replication.ts');
parentPort.on('message', (replication) => parentPort.postMessage(runReplication(workerData, replication)));
