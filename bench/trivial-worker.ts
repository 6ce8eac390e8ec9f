import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config.js';
import { temporalTransport } from '../src/transport.js';
import { TRIVIAL_TASK_QUEUE, type TrivialActivities } from './trivial-workflow.js';

/**
 * The baseline worker of bench/workflows/, run as its own process (`node --import tsx
 * bench/trivial-worker.ts`) so that its peak RSS can be read like the V2V worker's. Its
 * configuration is the environment its parent gives it. SIGTERM drains it (the Runtime's default).
 */
const config = loadConfig();
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect(temporalTransport(config));
const activities: TrivialActivities = { async noop() {} };
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: TRIVIAL_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./trivial-workflow.ts', import.meta.url)),
  activities,
});
try {
  await worker.run();
} finally {
  await connection.close();
}
