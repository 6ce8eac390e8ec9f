import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { apiClient } from '../../src/sim/live/api-client.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { stackConfig } from './services.js';
import { startWorkerProcess, stopWorkerProcess } from './v2v-process.js';

export interface JourneyServices {
  ingest: IngestPipeline;
  api: ReturnType<typeof apiClient>;
  connection: Connection;
}

/**
 * What a journey test with sensors needs, for the whole file: `v2v worker` and `v2v ingest` as real
 * processes (each on its own clock), the API in-process, and a Temporal connection to read
 * histories. The fields are set once the file's first hook has run.
 */
export function useJourneyServices(batchScale: number, ingestScale: number): JourneyServices {
  const config = stackConfig();
  const services = { ingest: new IngestPipeline(ingestScale) } as JourneyServices;
  let worker: ChildProcess | undefined;
  let server: ApiServer | undefined;
  beforeAll(async () => {
    [worker] = await Promise.all([startWorkerProcess(batchScale), services.ingest.start()]);
    server = await startApiServer({ config: { ...config, V2V_TIME_SCALE: batchScale }, logger: pino({ level: 'silent' }), port: 0 });
    services.api = apiClient(server.url);
    services.connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
  });
  afterAll(async () => {
    await services.ingest.dispose();
    await server?.close();
    await services.connection?.close();
    if (worker) await stopWorkerProcess(worker);
  });
  return services;
}
