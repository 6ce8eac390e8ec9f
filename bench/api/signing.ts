import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { signerOf } from '../../src/api/auth/signatures.js';
import { hashSigningPassword } from '../../src/api/auth/signing-password.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { configWithStack } from '../../src/cli/stack-env.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, requireDatabaseUrl } from '../../src/db/client.js';
import { users } from '../../src/db/schema/index.js';
import { percentile, sortNum } from '../workflows/percentiles.js';

// The signing path's latency (the lock check, the scrypt comparison, the count): what a QA person
// waits for between pressing "sign" and the signature being accepted, without the workflow behind it.
// Run on the stack's real PostgreSQL: sequentially by one signer, then by several signers at once.
const { values: flags } = parseArgs({
  options: {
    signatures: { type: 'string', default: '60' },
    signers: { type: 'string', default: '6' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:signing -- [options]   (the stack must be up and migrated)
  --signatures N  signatures per phase, default 60
  --signers S     signers signing at once in the concurrent phase, default 6`);
  process.exit(0);
}
const total = Number(flags.signatures);
const signerCount = Number(flags.signers);

const config = configWithStack(loadConfig());
const { db, pool } = createDatabase(requireDatabaseUrl(config.DATABASE_URL), { max: signerCount + 2 });
const deps = { db, pool, config, logger: pino({ level: 'silent' }) } as unknown as ApiDeps;
const password = 'bench signs carefully';
const hash = await hashSigningPassword(password);

async function signer() {
  const [row] = await db.insert(users).values({ name: `Bench QA ${randomUUID().slice(0, 8)}`, role: 'qa', sites: [], signingPasswordHash: hash }).returning();
  return { subject: row!.id, kind: 'user' as const, name: row!.name, role: 'qa' as const, sites: [] };
}

async function timed(principal: Awaited<ReturnType<typeof signer>>, n: number, into: number[]) {
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await signerOf(deps, principal, password);
    into.push(performance.now() - start);
  }
}

function report(label: string, samples: number[], wallMs: number) {
  const s = sortNum(samples);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`${label.padEnd(28)} n=${s.length}  p50 ${ms(percentile(s, 50))}  p99 ${ms(percentile(s, 99))}  ${((s.length / wallMs) * 1000).toFixed(1)} signatures/s`);
}

try {
  // Warm-up: the pool's connections and scrypt's first allocation.
  const warm = await signer();
  await timed(warm, 3, []);

  const sequential: number[] = [];
  let start = performance.now();
  await timed(await signer(), total, sequential);
  report('sequential, one signer', sequential, performance.now() - start);

  const concurrent: number[] = [];
  const signers = await Promise.all(Array.from({ length: signerCount }, signer));
  start = performance.now();
  await Promise.all(signers.map((p) => timed(p, Math.ceil(total / signerCount), concurrent)));
  report(`concurrent, ${signerCount} signers`, concurrent, performance.now() - start);
} finally {
  await pool.end();
}
