import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig, temporalAddress, type Config } from '../../src/config.js';
import { configWithStack } from '../../src/cli/stack-env.js';
import { requireDatabaseUrl } from '../../src/db/client.js';
import { DAY_MS } from '../../src/domain/durations.js';
import { countFlag } from '../flags.js';

/** The run's parameters: the command-line flags, read once, and the stack's configuration. */

export const { values: flags } = parseArgs({
  options: {
    batches: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
    'time-scale': { type: 'string', default: '86400' },
    namespace: { type: 'string', default: 'v2v-bench' },
    'phase-timeout-min': { type: 'string', default: '20' },
    'reference-sites': { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    profile: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npx tsx bench/workflows/main.ts [options]
  --batches N            batches (and baseline workflows) to run, default 1000
  --concurrency C        batches driven at once, default 100
  --time-scale S         V2V_TIME_SCALE of the worker and the batches, default 86400 (a day lasts 1 s)
  --namespace NS         Temporal namespace, registered if missing, default v2v-bench
  --phase-timeout-min M  abort a phase that runs longer, default 20
  --reference-sites      use the seeded sites and products (4 manufacturing lines, 6 chairs) instead of bench ones
  --skip-baseline        run the batch phase only
  --profile DIR          run the V2V worker under node --cpu-prof, profiles written to DIR`);
  process.exit(0);
}
export const N = countFlag('batches', flags.batches);
export const CONCURRENCY = countFlag('concurrency', flags.concurrency);
export const TIME_SCALE = Number(flags['time-scale']);
if (!(TIME_SCALE > 0)) throw new Error(`--time-scale must be a positive number, got ${JSON.stringify(flags['time-scale'].slice(0, 40))}.`);
export const PHASE_TIMEOUT_MS = countFlag('phase-timeout-min', flags['phase-timeout-min']) * 60_000;
export const NAMESPACE = flags.namespace;
export const DAY = DAY_MS / TIME_SCALE;
export const COMMAND = ['npx tsx bench/workflows/main.ts', ...process.argv.slice(2)].join(' ');

export const config: Config = configWithStack(loadConfig());
export const TEMPORAL_ADDRESS = temporalAddress(config);
export const DATABASE_URL = requireDatabaseUrl(config.DATABASE_URL);
export const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
