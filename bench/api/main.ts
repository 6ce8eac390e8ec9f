import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { issueLocalToken } from '../../src/api/auth/local-keys.js';
import type { Principal } from '../../src/api/auth/principal.js';
import { configWithStack } from '../../src/cli/stack-env.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, requireDatabaseUrl } from '../../src/db/client.js';
import { stackPaths } from '../../src/stack/paths.js';
import { readStackEnv, stackContext } from '../../src/stack/stack.js';
import { startV2vChild } from '../ingest/ingest-process.js';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/stack/paths.js';
import { measureFirstLoad, type FirstLoad } from './first-load.js';
import { bookableBatches, movingBookings } from './booking.js';
import { runLoad, type LoadFigures } from './load.js';
import { ensureSimulatedBatches } from './seed.js';
import { summarizeProfile } from './profile-summary.js';

// The API's throughput and tail latency under load, each figure beside the server's own floor
// (`/healthz`, measured in the same run against the same process). Figures go to the closing note
// and docs/api.md.
const { values: flags } = parseArgs({
  options: {
    batches: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '9010' },
    connections: { type: 'string', default: '20' },
    duration: { type: 'string', default: '10' },
    'booking-batches': { type: 'string', default: '6' },
    profile: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:api -- [options]   (the stack must be up: npx v2v stack up)
  --batches N      simulated batches in PostgreSQL (v2v simulate history), default 10000
  --seed S         their history's seed, default 9010
  --connections C  concurrent connections of the load generator, default 20
  --duration D     seconds per run, default 10
  --booking-batches K  batches taken to their infusion booking and moved between two days, default 6
  --profile DIR    instead of the figures: the admin's list alone, with the API under node --cpu-prof
                   (profiles written to DIR), then where its time went`);
  process.exit(0);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });

const config = configWithStack(loadConfig());
const env = readStackEnv(stackContext(config)) ?? {};
if (!env['DATABASE_URL']) throw new Error('no stack: run `npx v2v stack up` first');
const { pool } = createDatabase(requireDatabaseUrl(config.DATABASE_URL), { max: 2 });
const seeded = await ensureSimulatedBatches(pool, Number(flags.batches), Number(flags.seed), env);
await pool.end();

// The real clock (time scale 1): a booked batch then stays movable for days.
const clock = { V2V_TIME_SCALE: '1' };
const worker = await startV2vChild('worker', /(worker started)/, { ...env, ...clock });
const profiling = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : [];
// An API that does not start must not leave the worker running (on the real clock, it would go on serving batches).
const api = await startV2vChild('api', /"url":"(http[^"]+)"/, { ...env, ...clock, V2V_API_PORT: String(await freePort()), LOG_LEVEL: 'info' }, profiling).catch(
  async (err: unknown) => {
    await worker.stop();
    throw err;
  },
);
const base = api.readyMatch;
const stackRoot = stackPaths(config).root;
const token = (principal: Principal) => issueLocalToken(stackRoot, principal, { expiresIn: '1h' });
const admin = await token({ subject: 'bench-admin', kind: 'user', name: 'Bench Admin', role: 'admin', sites: [] });
const coordinator = await token({
  subject: 'bench-coordinator',
  kind: 'user',
  name: 'Bench Coordinator',
  role: 'coordinator',
  sites: [seeded.busiestTreatmentCentre],
});

const options = { connections: Number(flags.connections), durationSeconds: Number(flags.duration) };
const runs: LoadFigures[] = [];
/** One run, kept for the table and told at once (a later failure does not lose it). */
const measure = async (...args: Parameters<typeof runLoad>) => {
  const r = await runLoad(...args);
  runs.push(r);
  console.error(`${r.name}: ${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.p99Ms} ms (${r.connections} connections, ${r.non2xx} non-2xx)`);
};
let firstLoad: FirstLoad | undefined;
const adminList = { name: 'GET /v1/batches (admin, newest 100)', url: `${base}/v1/batches?simulated=true`, headers: { authorization: `Bearer ${admin}` } };
if (flags.profile) {
  try {
    await measure(adminList, options);
  } finally {
    await Promise.allSettled([api.stop(), worker.stop()]);
  }
  // Node writes one profile per thread at exit, named CPU.<date>.<time>.<pid>.<thread>.<seq>: thread 0 is the main one.
  const mainThread = new RegExp(`\\.${api.child.pid}\\.0\\.\\d+\\.cpuprofile$`);
  const file = readdirSync(flags.profile).find((f) => mainThread.test(f));
  if (!file) throw new Error(`no profile of the API's main thread (pid ${api.child.pid}) in ${flags.profile}`);
  console.log(summarizeProfile(path.join(flags.profile, file), 20));
  process.exit(0);
}

try {
  // The dashboard first, on a quiet server: a cold browser, the admin's board (every real batch, newest 500).
  if (existsSync(`${repoRoot}/web/dist/index.html`)) firstLoad = await measureFirstLoad(base, admin);
  else console.error('web/dist is missing (npm run web:build): the first-load figure is skipped');
  await measure({ name: 'GET /healthz (floor)', url: `${base}/healthz` }, options);
  await measure(adminList, options);
  await measure(
    {
      name: `GET /v1/batches (coordinator of 1 site, ${seeded.batchesThere} batches there)`,
      url: `${base}/v1/batches?simulated=true`,
      headers: { authorization: `Bearer ${coordinator}` },
    },
    options,
  );
  const bookingBatches = Number(flags['booking-batches']);
  console.error(`taking ${bookingBatches} batches to their infusion booking through the API…`);
  const { bookable, schedulerToken } = await bookableBatches(config, base, bookingBatches);
  const bookingOptions = { ...options, connections: Math.min(options.connections, bookingBatches) };
  if (bookingOptions.connections !== options.connections) await measure({ name: 'GET /healthz (floor)', url: `${base}/healthz` }, bookingOptions);
  await measure(
    {
      name: `POST /v1/batches/{id}/infusion-booking (scheduler; a move between two days, ${bookingBatches} batches in turn)`,
      url: base,
      method: 'POST',
      headers: { authorization: `Bearer ${schedulerToken}` },
      next: movingBookings(bookable),
    },
    bookingOptions,
  );
} finally {
  await Promise.allSettled([api.stop(), worker.stop()]);
}

// Each call beside the floor measured with as many connections.
const floorAt = (connections: number) => runs.find((r) => r.name.startsWith('GET /healthz') && r.connections === connections)!;
console.log(`\nbench/api: ${seeded.total} simulated batches in PostgreSQL; ${options.durationSeconds} s per run; load generator and server share this machine (${(await import('node:os')).cpus().length} cores)\n`);
console.log('| call | connections | req/s | ×floor | p50 ms | p99 ms | p99 ×floor | bytes/answer | non-2xx | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of runs) {
  const floor = floorAt(r.connections);
  console.log(
    `| ${r.name} | ${r.connections} | ${r.requestsPerSecond.toFixed(0)} | ${(r.requestsPerSecond / floor.requestsPerSecond).toFixed(3)} | ${r.p50Ms} | ${r.p99Ms} | ${(r.p99Ms / Math.max(floor.p99Ms, 1)).toFixed(1)} | ${r.bytesPerResponse.toFixed(0)} | ${r.non2xx} | ${r.errors} |`,
  );
}
if (firstLoad) {
  const f = firstLoad;
  console.log(
    `\ndashboard first load (cold Chromium, 1280×800, admin): board on screen ${f.msToBoard.toFixed(0)} ms, first of ${f.cards} cards ${f.msToCards.toFixed(0)} ms; ` +
      `${f.requests} requests, ${(f.bytesOnWire / 1024).toFixed(1)} KiB on the wire (${(f.bytesDecoded / 1024).toFixed(1)} KiB decompressed, ×${(f.bytesOnWire / Math.max(f.bytesDecoded, 1)).toFixed(2)})`,
  );
}
