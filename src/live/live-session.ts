import { createUser } from '../api/auth/identities.js';
import type { Config } from '../config.js';
import { REFERENCE_BIOREACTORS, REFERENCE_SITES } from '../db/seed.js';
import { PRODUCT_PROFILES } from '../domain/profiles.js';
import type { Logger } from '../logging.js';
import { createKafka } from '../kafka-client.js';
import { loadScenario } from '../sim/scenario/load-scenario.js';
import { stackPaths } from '../stack/paths.js';
import { mintLiveIdentities, type LiveIdentities, type LiveSites } from './identities.js';
import { requireDatabaseUrl } from '../db/client.js';
import type { Incident } from './incidents.js';
import { startInProcessServices } from './in-process-services.js';
import { describe } from './narration.js';
import { runLive, type LiveRun } from './run-live.js';
import { scenarioIncidents, scenarioPace } from './scenario-pace.js';

/** What a session has started, for whoever shows it (the demo prints sign-in links). */
export interface StartedSession {
  apiUrl: string;
  identities: LiveIdentities;
}

export interface SessionHooks {
  /** The in-process API's port (V2V_API_PORT by default; 0 for any free one). */
  apiPort?: number;
  /** Once the services answer and the identities exist, before the first patient. */
  onStarted?: (started: StartedSession) => void | Promise<void>;
  /** After every patient has finished, before the services stop: the demo stays up here until Ctrl-C. */
  afterRun?: (run: LiveRun) => Promise<void>;
  /** Interrupts the run (Ctrl-C): the patients stop first, then the services. */
  signal?: AbortSignal;
}

export interface LiveSessionOptions {
  patients: number;
  seed: number;
  timeScale: number;
  sensorTimeScale: number;
  incidents: Incident[];
  /** A twin scenario file: the partners' pace, and (with `randomIncidents`) excursions at its rates. */
  scenario?: string;
  randomIncidents?: boolean;
  /** Products to enrol into, in turn; the ones V2V ships with by default. */
  products?: string[];
  /** Drive the API at $API_URL and the `v2v ingest` on $V2V_INGEST_TOPIC that are already running. */
  external: boolean;
  arrivalDays?: number;
}

/**
 * A live run as the CLI and the demo give it: the services (started here unless external), the
 * patients, one printed line per thing that happens, and a summary. The database must be migrated.
 */
export async function liveSession(config: Config, logger: Logger, options: LiveSessionOptions, print: (line: string) => void, hooks: SessionHooks = {}): Promise<LiveRun> {
  const scenario = options.scenario === undefined ? undefined : loadScenario(options.scenario);
  const drawn = scenario && options.randomIncidents ? scenarioIncidents(scenario, options.patients, options.seed, options.incidents) : [];
  const incidents = [...options.incidents, ...drawn];
  const services = options.external
    ? { apiUrl: config.API_URL ?? `http://127.0.0.1:${config.V2V_API_PORT}`, topic: config.V2V_INGEST_TOPIC, stop: async () => undefined }
    : await startInProcessServices({ config, logger, timeScale: options.timeScale, sensorTimeScale: options.sensorTimeScale, ...(hooks.apiPort === undefined ? {} : { apiPort: hooks.apiPort }) });
  print(
    `API ${services.apiUrl} (docs at ${services.apiUrl}/docs); readings to ${services.topic}; ` +
      `batches on a clock ${options.timeScale}× real time, sensors ${options.sensorTimeScale}×${options.external ? '' : ' (worker, ingest and API in this process)'}`,
  );
  print(`pace: ${scenario ? `scenario "${scenario.name}"` : 'the product profiles'}; ${incidents.length} incident${incidents.length === 1 ? '' : 's'} (${drawn.length} drawn at the scenario's rates)\n`);
  try {
    const identities = await liveIdentities(config, services.apiUrl, `live-${options.seed}`);
    await hooks.onStarted?.({ apiUrl: services.apiUrl, identities });
    const run = await runLive({
      identities,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      kafka: createKafka(config, logger, 'v2v-live'),
      topic: services.topic,
      gatewaySecret: config.V2V_GATEWAY_KEY_SECRET,
      patients: options.patients,
      seed: options.seed,
      timeScale: options.timeScale,
      clockOriginMs: config.V2V_CLOCK_ORIGIN === undefined ? undefined : Date.parse(config.V2V_CLOCK_ORIGIN),
      sensorTimeScale: options.sensorTimeScale,
      incidents,
      ...(scenario ? { pace: scenarioPace(scenario) } : {}),
      // The installation's own products and reference sites, not whatever else a shared database holds.
      products: options.products ?? PRODUCT_PROFILES.map((p) => p.id),
      sites: REFERENCE_SITES.map((site) => site.id),
      bioreactors: REFERENCE_BIOREACTORS.map((b) => b.id),
      narrate: (event) => print(describe(event)),
      ...(options.arrivalDays === undefined ? {} : { arrivalDays: options.arrivalDays }),
    });
    const holds = run.outcomes.reduce((n, o) => n + o.holds, 0);
    const custody = run.outcomes.reduce((n, o) => n + o.custodyRecords, 0);
    const waited = run.outcomes.filter((o) => o.waitlisted).length;
    const byStage = new Map<string, number>();
    for (const o of run.outcomes) byStage.set(o.stage, (byStage.get(o.stage) ?? 0) + 1);
    const ends = [...byStage].map(([stage, n]) => `${n} ${stage}`);
    print(`\n${run.outcomes.length} patients: ${ends.join(', ')}; ${holds} hold${holds === 1 ? '' : 's'} assessed by QA; ${waited} waited on the waitlist for a slot chain; ${custody} custody records; ${run.readingsPublished} sensor readings published`);
    await hooks.afterRun?.(run);
    return run;
  } finally {
    await services.stop();
  }
}

/** The reference network's sites by kind: who works where. */
export const REFERENCE_LIVE_SITES: LiveSites = {
  apheresis: REFERENCE_SITES.filter((s) => s.kind === 'apheresis_center').map((s) => s.id),
  treatment: REFERENCE_SITES.filter((s) => s.kind === 'treatment_center').map((s) => s.id),
  facility: REFERENCE_SITES.filter((s) => s.kind === 'manufacturing_facility').map((s) => s.id),
};

/** The run's identities, signed with the stack's local key, which the API verifies against. */
export function liveIdentities(config: Config, apiUrl: string, run: string, expiresIn?: string): Promise<LiveIdentities> {
  const stackRoot = stackPaths(config).root;
  const databaseUrl = requireDatabaseUrl(config.DATABASE_URL);
  return mintLiveIdentities({
    apiUrl, stackRoot, sites: REFERENCE_LIVE_SITES, run, ...(expiresIn ? { expiresIn } : {}),
    addSigningUser: (user) => createUser(databaseUrl, stackRoot, user, expiresIn ? { expiresIn } : {}),
  });
}
