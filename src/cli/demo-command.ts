import { Command } from 'commander';
import type { Config } from '../config.js';
import { requireDatabaseUrl } from '../db/client.js';
import { prepareDatabase } from './migrate-command.js';
import { createLogger, peopleFirstLogFile } from '../logging.js';
import { formatTable, stackContext, stackUp } from '../stack/stack.js';
import { BASELINE_SCENARIO } from './simulate-live-command.js';
import { configWithStack } from './stack-env.js';

/** A simulated day lasts a second; the sensors' clock runs ten minutes a second (a 20-minute excursion lasts 2 s). */
const DEMO = { patients: 4, seed: 1, timeScale: 86_400, sensorTimeScale: 600, arrivalDays: 0.5 };

/**
 * What V2V does, end to end, in about a minute: the real services, a worker, ingest and the API in
 * this process, and live mode's patients (two of each product, in turn) driven from enrolment to
 * infusion by simulated partners and sensor gateways. Patient 2's dry shipper (the cryopreserved
 * product's) warms up on the way to the facility: the batch is held until QA assesses the excursion.
 */
export function demoCommand(config: () => Config): Command {
  return new Command('demo')
    .description('start the stack, a worker, ingest and the API, and take two patients of each product vein to vein with sensors on Kafka and one excursion (a day lasts a second)')
    .action(async () => {
      const ctx = stackContext(config());
      console.log(formatTable(await stackUp(ctx)));
      const resolved = { ...configWithStack(ctx.config), LOG_LEVEL: 'warn' as const };
      await prepareDatabase(requireDatabaseUrl(resolved.DATABASE_URL));
      const { liveSession } = await import('../sim/live/live-session.js');
      const logFile = peopleFirstLogFile(process.stdout.isTTY, ctx.paths.logs, 'demo');
      console.log(logFile ? `\nlog (JSON, warnings and errors of the worker, ingest and API): ${logFile}\n` : '');
      await liveSession(
        resolved,
        createLogger(resolved, 'demo', logFile),
        // The baseline scenario's pace; its random excursions are left out so that the demo tells one story.
        { ...DEMO, external: false, scenario: BASELINE_SCENARIO, randomIncidents: false, incidents: [{ kind: 'transit-excursion', patient: 2, leg: 'outbound', afterHours: 2, minutes: 20 }] },
        (line) => console.log(line),
      );
      console.log('\nThe stack keeps running (`npx v2v stack down` stops it); `npx v2v audit verify` re-checks every custody chain.');
    });
}
