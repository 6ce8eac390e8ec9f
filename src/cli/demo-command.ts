import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { databaseOwnerUrl, type Config } from '../config.js';
import { requireDatabaseUrl } from '../db/client.js';
import { prepareDatabase } from './migrate-command.js';
import { createLogger, peopleFirstLogFile } from '../logging.js';
import { formatTable, stackContext, stackUp } from '../stack/stack.js';
import { BASELINE_SCENARIO } from './simulate-live-command.js';
import { configWithStack } from './stack-env.js';

/**
 * The demo's clocks and pace: a simulated day lasts four seconds, so a journey takes about two
 * minutes; a patient is enrolled every 2.5 simulated days on average, so twenty arrive over about
 * three minutes and a dozen are on the board at once. The sensors' clock runs ten minutes a second.
 * Slot chains are booked at most six weeks ahead: at this pace the reference facility's lines are
 * then short, and patients wait on the waitlist until a line frees (issue 18's scarcity, in minutes).
 */
export const DEMO_PACE = { seed: 1, timeScale: 21_600, sensorTimeScale: 600, arrivalDays: 2.5, bookingHorizonDays: 42 };

const demoOptionsSchema = z.object({
  patients: z.coerce.number().int().min(3, 'at least 3: the three scripted stories are patients 1-3').max(200),
  timeScale: z.coerce.number().positive(),
  arrivalDays: z.coerce.number().positive(),
  bookingHorizonDays: z.coerce.number().int().min(7).max(180),
  exitWhenDone: z.boolean().default(false),
  models: z.boolean().default(true),
});

/**
 * What V2V does, end to end, in a few minutes: the stack, a worker, ingest and the API (serving the
 * dashboard) in this process, and live mode's patients driven from enrolment to infusion by partners
 * acting with their own identities and by sensor gateways. Three things go wrong on purpose.
 */
export function demoCommand(config: () => Config): Command {
  return new Command('demo')
    .description('start the stack, a worker, ingest and the API with its dashboard, and take 20 patients vein to vein with sensors on Kafka, an excursion, a booking put at risk and a drifting bioreactor')
    .option('--patients <n>', 'patients to enrol (at least 3: the scripted events are patients 1-3)', '20')
    .option('--time-scale <s>', "the batches' clock: 21600 makes a day last four seconds", String(DEMO_PACE.timeScale))
    .option('--arrival-days <d>', 'mean simulated days between enrolments', String(DEMO_PACE.arrivalDays))
    .option('--booking-horizon-days <d>', 'how far ahead a slot chain may be booked (simulated days); shorter makes the waitlist longer', String(DEMO_PACE.bookingHorizonDays))
    .option('--exit-when-done', 'stop once every patient has finished instead of staying up until Ctrl-C (for CI)')
    .option('--no-models', "skip building and training the demo's forecast models (forecasts then come from the baseline)")
    .action(async (raw: Record<string, unknown>) => {
      const parsed = demoOptionsSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`Invalid options: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}.`);
      await runDemo(config(), parsed.data, (line) => console.log(line));
    });
}

/** The demo, for the command and for a test: resolves when it is over (patients done and `exitWhenDone`, or Ctrl-C). */
export async function runDemo(base: Config, options: z.infer<typeof demoOptionsSchema> & { apiPort?: number }, print: (line: string) => void): Promise<void> {
  const ctx = stackContext(base);
  print(formatTable(await stackUp(ctx)));
  // One planning calendar from the demo's start (its worker, API and patients share it): compressed
  // enrolments book slot chains in simulated days, or wait on the waitlist when none fits.
  const resolved = { ...configWithStack(ctx.config), LOG_LEVEL: 'warn' as const, V2V_CLOCK_ORIGIN: new Date().toISOString(), V2V_BOOKING_HORIZON_DAYS: options.bookingHorizonDays };
  await prepareDatabase(requireDatabaseUrl(databaseOwnerUrl(resolved)));
  await ensureDashboardBuilt(print);
  if (options.models) {
    // Imported here: the forecast trainer and the twin load only when the demo trains.
    const { ensureDemoModels } = await import('./demo-models.js');
    await ensureDemoModels({ stackRoot: ctx.paths.root, databaseUrl: requireDatabaseUrl(resolved.DATABASE_URL), print });
  }
  const [{ liveSession, REFERENCE_LIVE_SITES }, { dashboardSignIns, SIGN_IN_ROLES }, { DEMO_INCIDENTS }, { serviceReferenceBioreactors }] = await Promise.all([
    import('../live/live-session.js'),
    import('../live/dashboard-sign-in.js'),
    import('../live/demo-script.js'),
    import('../live/service-reference-units.js'),
  ]);
  const logFile = peopleFirstLogFile(process.stdout.isTTY, ctx.paths.logs, 'demo');
  if (logFile) print(`log (JSON, warnings and errors of the worker, ingest and API): ${logFile}`);

  // Ctrl-C: the patients stop first (their partners would keep the API's connections busy), then
  // the worker, ingest and API; a second Ctrl-C does not wait.
  const interrupt = new AbortController();
  const ctrlC = new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }));
  const onSigint = () => {
    print('\nstopping the patients, then the worker, ingest and API (the stack keeps running)…');
    process.once('SIGINT', () => process.exit(130));
    interrupt.abort(new Error('interrupted (Ctrl-C)'));
  };
  process.once('SIGINT', onSigint);
  try {
    await liveSession(
      resolved,
      createLogger(resolved, 'demo', logFile),
      // The baseline scenario's pace; its random excursions are left out so that the demo tells its three stories.
      { ...DEMO_PACE, ...options, external: false, scenario: BASELINE_SCENARIO, randomIncidents: false, incidents: DEMO_INCIDENTS },
      print,
      {
        ...(options.apiPort === undefined ? {} : { apiPort: options.apiPort }),
        signal: interrupt.signal,
        onStarted: async ({ apiUrl, identities }) => {
          const serviced = await serviceReferenceBioreactors(identities.admin.api);
          if (serviced.length > 0) print(`serviced ${serviced.join(', ')}: maintenance tickets left open by earlier runs' drifting bioreactor`);
          const links = await dashboardSignIns({ apiUrl, stackRoot: ctx.paths.root, sites: REFERENCE_LIVE_SITES, identities, run: `live-${DEMO_PACE.seed}` });
          print(`\nDashboard, signed in as (the token is in the link's #fragment, valid 12 h):`);
          for (const role of SIGN_IN_ROLES) print(`  ${role.padEnd(14)} ${links[role]}`);
          // On the console only, never in the log file: whoever signs as QA in the dashboard needs it.
          print(`  QA signing password (demo only, for this run's QA user): ${identities.qa.signingPassword}`);
          print(`API docs: ${apiUrl}/docs    Temporal web UI: http://127.0.0.1:${resolved.V2V_TEMPORAL_UI_PORT}`);
          print(`Ctrl-C stops the worker, ingest and API started here; the stack keeps running (\`npx v2v stack down\` stops it).\n`);
        },
        afterRun: async () => {
          if (options.exitWhenDone) return;
          print(`\nEvery patient has finished; the dashboard and API stay up until Ctrl-C.`);
          await ctrlC;
        },
      },
    );
  } catch (err) {
    // A Ctrl-C during the run is an end, not a failure.
    if (!interrupt.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
  print('\nThe stack keeps running (`npx v2v stack down` stops it); `npx v2v audit verify` re-checks every custody chain.');
}

/** The dashboard is served from web/dist: built here, once, if it is missing. */
async function ensureDashboardBuilt(print: (line: string) => void): Promise<void> {
  const { DASHBOARD_DIST } = await import('../api/plugins/dashboard.js');
  if (existsSync(join(DASHBOARD_DIST, 'index.html'))) return;
  print('building the dashboard (npm run web:build, once)…');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'web:build'], { cwd: join(DASHBOARD_DIST, '..', '..'), stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`npm run web:build failed (exit ${code}); the demo needs the dashboard in ${DASHBOARD_DIST}.`);
  print('dashboard built.');
}
