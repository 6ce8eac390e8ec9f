import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import type { LiveIdentities } from '../../src/live/identities.js';
import { liveIdentities } from '../../src/live/live-session.js';
import { batchPartners, type BatchPartners } from '../../src/live/partners.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { stackConfig } from './services.js';
import type { Config } from '../../src/config.js';
import { startWorkerProcess, stopWorkerProcess } from './v2v-process.js';

/**
 * The identities a test acts with against the API at `apiUrl`, as live mode's: machines for the
 * partner systems, users for the people, QA a user with a signing password, and an admin for
 * what no partner does (cancelling a test's batch, reading what a test checks).
 */
export function testIdentities(apiUrl: string, run = `test-${process.pid}`): Promise<LiveIdentities> {
  return liveIdentities(stackConfig(), apiUrl, run);
}

/** The partners of a batch enrolled at the reference City Hospital (or the sites given). */
export function partnersOf(identities: LiveIdentities, sites = { apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion' }): BatchPartners {
  return batchPartners(identities, sites);
}

export interface JourneyServices {
  ingest: IngestPipeline;
  /** Where the in-process API listens. */
  apiUrl: string;
  identities: LiveIdentities;
  connection: Connection;
}

/**
 * What a journey test without sensors needs, for the whole file: `v2v worker` as a real process on
 * `timeScale`, the API in-process, and the identities that call it (set once the file's first hook has run).
 */
export function useWorkerAndApi(timeScale: number): { identities: LiveIdentities } {
  const services = {} as { identities: LiveIdentities };
  let worker: ChildProcess | undefined;
  let server: ApiServer | undefined;
  beforeAll(async () => {
    worker = await startWorkerProcess(timeScale);
    server = await startApiServer({ config: { ...stackConfig(), V2V_TIME_SCALE: timeScale }, logger: pino({ level: 'silent' }), port: 0 });
    services.identities = await testIdentities(server.url);
  });
  afterAll(async () => {
    await server?.close();
    if (worker) await stopWorkerProcess(worker);
  });
  return services;
}

/**
 * What a journey test with sensors needs, for the whole file: `v2v worker` and `v2v ingest` as real
 * processes (each on its own clock), the API in-process, the identities that call it, and a
 * Temporal connection to read histories. The fields are set once the file's first hook has run.
 */
export function useJourneyServices(batchScale: number, ingestScale: number, overrides: Partial<Config> = {}): JourneyServices {
  const config = { ...stackConfig(), ...overrides };
  const services = { ingest: new IngestPipeline(ingestScale) } as JourneyServices;
  let worker: ChildProcess | undefined;
  let server: ApiServer | undefined;
  beforeAll(async () => {
    [worker] = await Promise.all([startWorkerProcess(batchScale), services.ingest.start()]);
    server = await startApiServer({ config: { ...config, V2V_TIME_SCALE: batchScale }, logger: pino({ level: 'silent' }), port: 0 });
    services.apiUrl = server.url;
    services.identities = await testIdentities(server.url);
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
