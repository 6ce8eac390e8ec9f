import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import { describeAudit, verifyCustodyChains } from '../../src/db/audit.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { repoRoot } from '../../src/stack/paths.js';
import { stackConfig } from '../setup/services.js';
import { V2V_BIN } from '../setup/cli.js';
import { createBatch, createProduct, createSites } from '../activities/batch-fixtures.js';
import { behindTheTriggers } from './behind-the-triggers.js';

const config = stackConfig();
const url = config.DATABASE_URL!;
const { db, pool } = createDatabase(url, { max: 2 });
// The owner: only it can switch the append-only trigger off (the processes' role cannot).
const owner = createDatabase(config.DATABASE_OWNER_URL ?? url, { max: 1 });
const activities = createBatchActivities({ db, pool });
const run = promisify(execFile);

beforeAll(async () => {
  await migrateDatabase(config.DATABASE_OWNER_URL ?? url);
  await seedReferenceData(db);
});
afterAll(async () => {
  await pool.end();
  await owner.pool.end();
});

/** A batch with a chain of `n` custody records written by the real activity. */
async function batchWithChain(n: number) {
  const where = await createSites(db);
  const product = await createProduct(db);
  const batch = await createBatch(db, { ...where, productId: product.id });
  const steps = ['collection', 'outbound-pickup', 'facility-receipt', 'return-pickup', 'site-receipt', 'infusion'];
  for (let seq = 1; seq <= n; seq++) {
    await activities.appendCustodyRecord({
      key: `${batch.id}:custody:${seq}`,
      batchId: batch.id,
      kind: 'handoff',
      step: steps[(seq - 1) % steps.length],
      actor: { name: 'A. Courier', role: 'courier' },
      location: `Dock ${seq}`,
      meaning: 'received',
      data: { din: 'W123426000123', temperatureC: 4.5, seals: ['intact', 'intact'] },
      occurredAt: new Date(Date.UTC(2026, 2, seq, 8, 30, 0, 123)).toISOString(),
    });
  }
  return batch.id;
}

/** The CLI as a user runs it, against the stack's database. */
async function auditCli(batchId: string): Promise<{ code: number; stdout: string }> {
  const env = { ...process.env, DATABASE_URL: url };
  try {
    const { stdout } = await run(process.execPath, [V2V_BIN, 'audit', 'verify', batchId], { cwd: repoRoot, env });
    return { code: 0, stdout };
  } catch (err) {
    const failed = err as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('v2v audit verify', () => {
  it('verifies a clean chain, in the module and through the CLI', async () => {
    const batchId = await batchWithChain(4);
    expect(await verifyCustodyChains(pool, batchId)).toEqual({ records: 4, batches: 1, breaks: [] });
    const cli = await auditCli(batchId);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('audit: 4 records in 1 batches verified\n');
  });

  it('names the first record a privileged user altered behind the trigger', async () => {
    const batchId = await batchWithChain(5);
    const { rows } = await pool.query<{ id: string }>('select id from custody_events where batch_id = $1 and seq = 3', [batchId]);
    const recordId = Number(rows[0]!.id);

    // The owner is the cluster superuser: it can switch the append-only trigger off, which is
    // exactly the tampering the hash chain exists to reveal.
    await behindTheTriggers(owner.pool, (c) => c.query(`update custody_events set actor_name = 'Someone else' where id = $1`, [recordId]));

    const result = await verifyCustodyChains(pool, batchId);
    expect(result.breaks).toEqual([
      { batchId, seq: 3, recordId, problem: 'hash does not match its content: the record was altered after it was written' },
    ]);
    expect(describeAudit(result)[1]).toBe(
      `broken: batch ${batchId}, seq 3, record ${recordId}: hash does not match its content: the record was altered after it was written`,
    );

    const cli = await auditCli(batchId);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`batch ${batchId}, seq 3, record ${recordId}`);
    expect(cli.stdout).toContain('the record was altered after it was written');

    // The trigger is back on: ordinary writes are refused again.
    await expect(owner.pool.query(`update custody_events set actor_name = 'x' where id = $1`, [recordId])).rejects.toThrow(/append-only/);
    // … and the processes' role may not update at all.
    await expect(pool.query(`update custody_events set actor_name = 'x' where id = $1`, [recordId])).rejects.toThrow(/permission denied/);
  });
});
