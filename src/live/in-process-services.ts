import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import { pollUntil } from '../poll-until.js';

export interface InProcessServices {
  apiUrl: string;
  /** The readings topic the in-process ingest consumes. */
  topic: string;
  stop(): Promise<void>;
}

/**
 * What live mode drives, started in this process as `v2v worker`, `v2v ingest` and `v2v api` would
 * be: the API and worker on the batches' clock, ingest on the sensors' clock (each process reads
 * V2V_TIME_SCALE once, so each gets its own). Resolves once the worker polls and ingest has joined
 * its consumer group, so the first patient's timings do not include start-up.
 */
export async function startInProcessServices(options: { config: Config; logger: Logger; timeScale: number; sensorTimeScale: number; apiPort?: number }): Promise<InProcessServices> {
  const { config, logger } = options;
  const batches = { ...config, V2V_TIME_SCALE: options.timeScale };
  // Imported here so that a run against external services loads neither the worker nor ingest.
  const [{ runWorker }, { startIngest }, { startApiServer }] = await Promise.all([
    import('../worker/run-worker.js'),
    import('../ingest/run-ingest.js'),
    import('../api/server.js'),
  ]);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const close of stops.splice(0).reverse()) await close().catch((err: unknown) => logger.error({ err }, 'live: a service did not stop cleanly'));
  };
  try {
    const stopWorker = new AbortController();
    let ready!: () => void;
    const polling = new Promise<void>((resolve) => (ready = resolve));
    const worker = runWorker({ config: batches, logger, signal: stopWorker.signal, onReady: () => ready() });
    stops.push(async () => {
      stopWorker.abort();
      await worker;
    });
    await Promise.race([polling, worker.then(() => Promise.reject(new Error('the worker stopped while starting')))]);

    const ingest = await startIngest({ config: { ...config, V2V_TIME_SCALE: options.sensorTimeScale }, logger, port: 0 });
    stops.push(() => ingest.stop());
    // Ready once it has joined its consumer group: readings sent before would wait for a rebalance.
    await pollUntil(`ingest to join its consumer group (${ingest.opsUrl}/readyz)`, async () => (await fetch(`${ingest.opsUrl}/readyz`).catch(() => undefined))?.ok === true, {
      intervalMs: 250,
      timeoutMs: 60_000,
    });

    const server = await startApiServer({ config: batches, logger, ...(options.apiPort === undefined ? {} : { port: options.apiPort }) });
    stops.push(() => server.close());
    return { apiUrl: server.url, topic: config.V2V_INGEST_TOPIC, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
