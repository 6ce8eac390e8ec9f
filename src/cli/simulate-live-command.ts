import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { z } from 'zod';
import { databaseOwnerUrl, type Config } from '../config.js';
import { requireDatabaseUrl } from '../db/client.js';
import { createLogger, peopleFirstLogFile } from '../logging.js';
import { stackPaths } from '../stack/paths.js';
import { prepareDatabase } from './migrate-command.js';
import { configWithStack } from './stack-env.js';

/** The calibrated baseline network (scenarios/baseline.json), found from the package, not the working directory. */
export const BASELINE_SCENARIO = fileURLToPath(new URL('../../scenarios/baseline.json', import.meta.url));

const liveOptionsSchema = z.object({
  patients: z.coerce.number().int().min(1).max(500),
  timeScale: z.coerce.number().positive(),
  sensorTimeScale: z.coerce.number().positive(),
  seed: z.coerce.number().int().min(0),
  arrivalDays: z.coerce.number().positive(),
  incidents: z.string().min(1).optional(),
  products: z.string().min(1).transform((list) => list.split(',').map((id) => id.trim())).optional(),
  external: z.boolean().default(false),
  scenario: z.union([z.string().min(1), z.literal(false)]),
  randomIncidents: z.boolean(),
});

/**
 * `v2v simulate live`: the real V2V driven by simulated partners (through the HTTP API) and sensor
 * gateways (readings on Kafka), with scripted incidents.
 */
export function simulateLiveCommand(config: () => Config): Command {
  return new Command('live')
    .description('enrol N patients into the real system and play their partners and sensors at a compressed pace, with scripted incidents')
    .option('--patients <n>', 'patients to enrol (products and hospitals in turn)', '4')
    .option('--time-scale <s>', "the batches' clock: 86400 makes a day last a second (the API's V2V_TIME_SCALE)", '86400')
    .option('--sensor-time-scale <s>', "the clock ingest judges readings on: 600 makes a 5-minute excursion last half a second (ingest's V2V_TIME_SCALE)", '600')
    .option('--seed <n>', 'seeds the pace, the readings and the patient references (live-<seed>-<n>)', '1')
    .option('--arrival-days <d>', 'mean days between enrolments (a Poisson process)', '1')
    .option('--products <ids>', "comma-separated product ids to enrol into, in turn (default: the products V2V ships with)")
    .option('--scenario <file>', "a twin scenario: the partners' pace and the excursion rates, per product (docs/twin.md)", BASELINE_SCENARIO)
    .option('--no-scenario', "pace the partners by the product profiles' nominal durations instead")
    .option('--no-random-incidents', "only the scripted incidents, none drawn at the scenario's rates")
    .option('--incidents <file>', 'JSON {"incidents": [...]}: transit-excursion, late-courier, degrading-bioreactor, booking-at-risk (see docs/live-mode.md)')
    .option('--external', 'drive the API at $API_URL and the `v2v ingest` consuming $V2V_INGEST_TOPIC that are already running, instead of starting them here')
    .addHelpText(
      'after',
      `
By default a worker, ingest and the API run in this process (the stack must be up: npx v2v stack up),
the API on the batches' clock and ingest on the sensors' clock. With --external, start them yourself
with V2V_TIME_SCALE equal to --time-scale for the worker and API and to --sensor-time-scale for ingest.`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = liveOptionsSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`Invalid options: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}.`);
      const options = parsed.data;
      const resolved = { ...configWithStack(config()), LOG_LEVEL: 'warn' as const };
      // Imported here so that the other commands load neither kafkajs nor the worker.
      const [{ liveSession }, { loadIncidents }] = await Promise.all([import('../live/live-session.js'), import('../live/incidents.js')]);
      const incidents = options.incidents ? await loadIncidents(options.incidents) : [];
      if (!options.external) await prepareDatabase(requireDatabaseUrl(databaseOwnerUrl(resolved)));
      const { scenario, ...rest } = options;
      const logFile = peopleFirstLogFile(process.stdout.isTTY, stackPaths(resolved).logs, 'live');
      if (logFile) console.log(`log (JSON): ${logFile}`);
      await liveSession(resolved, createLogger(resolved, 'live', logFile), { ...rest, incidents, ...(scenario ? { scenario } : {}) }, (line) => console.log(line));
    });
}
