import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { takeCheckpoint } from '../../src/audit/take-checkpoint.js';
import { configWithStack } from '../../src/cli/stack-env.js';
import { databaseOwnerUrl, loadConfig } from '../../src/config.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { custodyEvents } from '../../src/db/schema/index.js';
import { CUSTODY_HASH_VERSION, custodyHash } from '../../src/domain/custody-chain.js';
import { copyRows } from '../../src/sim/history/copy-rows.js';

/**
 * The cost of the audit anchor at scale: seconds to sign a checkpoint over N batches' chain heads
 * and to verify every chain against it, beside the raw read of the heads (the floor any checkpoint
 * pays). In a database of its own (v2v_bench_audit, dropped at the end), so the stack's data is
 * untouched. `npm run bench:audit:checkpoint -- 100000 2` (batches, records per batch).
 */
const batches = Number(process.argv[2] ?? 100_000);
const perBatch = Number(process.argv[3] ?? 2);
const config = configWithStack(loadConfig());
const ownerUrl = databaseOwnerUrl(config);
if (!ownerUrl) throw new Error('no database: run `npx v2v stack up` first');
const benchDb = 'v2v_bench_audit';
const benchUrl = (url: string) => Object.assign(new URL(url), { pathname: `/${benchDb}` }).toString();

const seconds = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
};

const admin = new pg.Client({ connectionString: ownerUrl });
await admin.connect();
await admin.query(`drop database if exists ${benchDb}`);
await admin.query(`create database ${benchDb}`);
const dir = mkdtempSync(path.join(tmpdir(), 'v2v-bench-audit-'));
const pool = new pg.Pool({ connectionString: benchUrl(ownerUrl), max: 2 });
try {
  await migrateDatabase(benchUrl(ownerUrl));
  await pool.query(`insert into sites (id, kind, name) values ('bench-site', 'treatment_center', 'Bench')`);
  await pool.query(`insert into product_profiles (id, name, profile) values ('bench-product', 'Bench product', '{}')`);
  const { rows: ids } = await pool.query<{ id: string }>(
    `insert into batches (coi_id, patient_ref, product_id, apheresis_center_id, treatment_center_id)
     select 'COI-' || g, 'ref-' || g, 'bench-product', 'bench-site', 'bench-site' from generate_series(1, $1) g returning id`,
    [batches],
  );
  const [, writeSeconds] = await seconds(async () => {
    const client = await pool.connect();
    try {
      for (let from = 0; from < ids.length; from += 10_000) {
        const rows = [];
        for (const { id } of ids.slice(from, from + 10_000)) {
          let prevHash: string | null = null;
          for (let seq = 1; seq <= perBatch; seq++) {
            const at = new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString();
            const content = { batchId: id, seq, kind: 'handoff', step: 'collection', actorName: 'Bench', actorRole: 'courier', location: 'Dock', meaning: 'received', data: null, occurredAt: at, recordedAt: at, hashVersion: CUSTODY_HASH_VERSION, prevHash };
            const hash = custodyHash(content);
            rows.push({ ...content, recordKey: `${id}:${seq}`, occurredAt: new Date(at), recordedAt: new Date(at), hash });
            prevHash = hash;
          }
        }
        await copyRows(client, custodyEvents, rows);
      }
    } finally {
      client.release();
    }
  });

  const [heads, selectSeconds] = await seconds(() => pool.query('select batch_id, seq, hash from custody_heads order by batch_id'));
  const files = { keys: { privateKey: path.join(dir, 'key.pem'), publicKey: path.join(dir, 'key.pub.pem') }, dir: path.join(dir, 'checkpoints'), topic: config.V2V_AUDIT_CHECKPOINT_TOPIC };
  const [{ checkpoint }, signSeconds] = await seconds(() => takeCheckpoint(pool, files));
  const [result, verifySeconds] = await seconds(() => verifyCustodyChains(pool, undefined, { name: 'bench checkpoint', heads: checkpoint.heads }));
  if (result.breaks.length > 0 || result.batches !== batches) throw new Error(`verify found ${result.breaks.length} breaks in ${result.batches} batches`);

  console.log(`audit checkpoint bench: ${batches} batches × ${perBatch} records (${batches * perBatch} records), PostgreSQL ${(await pool.query('show server_version')).rows[0].server_version}`);
  console.log(`  write records (COPY, head trigger per row)       ${writeSeconds.toFixed(2)} s`);
  console.log(`  baseline: raw SELECT of ${heads.rowCount} heads           ${selectSeconds.toFixed(2)} s`);
  console.log(`  sign: checkpoint (heads, check, Merkle, Ed25519, file, outbox) ${signSeconds.toFixed(2)} s`);
  console.log(`  verify: every chain against the checkpoint        ${verifySeconds.toFixed(2)} s (${result.records} records)`);
} finally {
  await pool.end();
  await admin.query(`drop database if exists ${benchDb}`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
