import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import { takeCheckpoint } from '../../src/audit/take-checkpoint.js';
import { verifyCustodyChains, type AuditBreak } from '../../src/db/audit.js';
import { createDatabase } from '../../src/db/client.js';
import { custodyHash, type CustodyHashVersion } from '../../src/domain/custody-chain.js';
import { stackConfig } from '../setup/services.js';
import { createBatch, createProduct, createSites } from '../activities/batch-fixtures.js';
import { behindTheTriggers } from './behind-the-triggers.js';

const config = stackConfig();
// The processes' role writes, as in production; the owner (the database superuser here) tampers.
const app = createDatabase(config.DATABASE_URL!, { max: 2 });
const owner = createDatabase(config.DATABASE_OWNER_URL!, { max: 2 });
const activities = createBatchActivities({ db: app.db, pool: app.pool });
const dir = mkdtempSync(path.join(tmpdir(), 'v2v-audit-'));
const files = { keys: { privateKey: path.join(dir, 'key.pem'), publicKey: path.join(dir, 'key.pub.pem') }, dir: path.join(dir, 'checkpoints'), topic: config.V2V_AUDIT_CHECKPOINT_TOPIC };
const results: { tamper: string; detected: boolean; finding: string }[] = [];

afterAll(async () => {
  console.log(['tamper (as the database owner)                      | detected | finding', ...results.map((r) => `${r.tamper.padEnd(52)}| ${r.detected ? 'yes' : 'NO '}      | ${r.finding.slice(0, 110)}`)].join('\n'));
  await app.pool.end();
  await owner.pool.end();
});

async function chain(n: number, kind = 'handoff') {
  const where = await createSites(app.db);
  const product = await createProduct(app.db);
  const batch = await createBatch(app.db, { ...where, productId: product.id });
  for (let seq = 1; seq <= n; seq++) {
    await activities.appendCustodyRecord({
      key: `${batch.id}:custody:${seq}`, batchId: batch.id, kind, step: 'collection', actor: { name: 'A. Courier', role: 'courier' },
      location: `Dock ${seq}`, meaning: 'received', data: { din: 'W123426000123' }, occurredAt: new Date(Date.UTC(2026, 2, seq)).toISOString(),
    });
  }
  return batch.id;
}


/** What a careful attacker does after any change: re-hash every record of the chain from seq 1 and move its head. */
async function rehash(c: pg.PoolClient, batchId: string) {
  const { rows } = await c.query(`select * from custody_events where batch_id = $1 order by seq`, [batchId]);
  let prev: string | null = null;
  for (const r of rows) {
    const hash = custodyHash({
      batchId, seq: r.seq, kind: r.kind, step: r.step, actorName: r.actor_name, actorRole: r.actor_role, location: r.location, meaning: r.meaning,
      data: r.data, occurredAt: r.occurred_at.toISOString(), recordedAt: r.recorded_at.toISOString(), hashVersion: r.hash_version as CustodyHashVersion, prevHash: prev,
    });
    await c.query('update custody_events set prev_hash = $2, hash = $3 where id = $1', [r.id, prev, hash]);
    prev = hash;
  }
  const last = rows.at(-1);
  if (last) await c.query('update custody_heads set seq = $2, hash = $3 where batch_id = $1', [batchId, last.seq, prev]);
  else await c.query('delete from custody_heads where batch_id = $1', [batchId]);
}

async function takeCheckpointNow() {
  return takeCheckpoint(app.pool, files);
}

async function verifyAgainstCheckpoint(batchId: string, checkpointHeads: Awaited<ReturnType<typeof takeCheckpointNow>>) {
  return (await verifyCustodyChains(app.pool, batchId, { name: `checkpoint ${checkpointHeads.checkpoint.payload.id}`, heads: checkpointHeads.checkpoint.heads })).breaks;
}

function record(tamper: string, breaks: AuditBreak[]) {
  results.push({ tamper, detected: breaks.length > 0, finding: breaks[0] ? `seq ${breaks[0].seq}, record ${breaks[0].recordId ?? 'missing'}: ${breaks[0].problem}` : 'verified' });
}

describe('the processes’ role cannot rewrite the trail', () => {
  it.each([
    ['UPDATE', `update custody_events set actor_name = 'x' where id = (select min(id) from custody_events)`],
    ['DELETE', `delete from custody_events where id = (select min(id) from custody_events)`],
    ['TRUNCATE', 'truncate custody_events'],
    ['ALTER TABLE … DISABLE TRIGGER', 'alter table custody_events disable trigger user'],
    ['ALTER TABLE … DROP', 'alter table custody_events drop column hash'],
    ['DROP TRIGGER', 'drop trigger custody_events_append_only on custody_events'],
    ['UPDATE a chain head', `update custody_heads set seq = 1`],
    ['INSERT a chain head', `insert into custody_heads (batch_id, seq, hash) values (gen_random_uuid(), 1, 'x')`],
    ['DELETE a chain head', 'delete from custody_heads'],
  ])('%s on the custody trail is refused', async (_what, sql) => {
    await chain(1);
    await expect(app.pool.query(sql)).rejects.toThrow(/permission denied|must be owner/);
  });

  it('appends, and the head moves with the record in the same transaction', async () => {
    const batchId = await chain(3);
    const { rows } = await app.pool.query('select h.seq, h.hash = e.hash as same from custody_heads h join custody_events e on e.batch_id = h.batch_id and e.seq = 3 where h.batch_id = $1', [batchId]);
    expect(rows).toEqual([{ seq: 3, same: true }]);
  });
});

describe('tampering as the database owner is detected once a checkpoint covers the records', () => {
  it('edit a field', async () => {
    const batchId = await chain(4);
    const cp = await takeCheckpointNow();
    await behindTheTriggers(owner.pool, (c) => c.query(`update custody_events set location = 'Elsewhere' where batch_id = $1 and seq = 2`, [batchId]));
    const breaks = await verifyAgainstCheckpoint(batchId, cp);
    record('edit a field (location of seq 2)', breaks);
    expect(breaks).toMatchObject([{ batchId, seq: 2, problem: expect.stringContaining('hash does not match its content') }]);
  });

  it('edit recorded_at', async () => {
    const batchId = await chain(3);
    const cp = await takeCheckpointNow();
    await behindTheTriggers(owner.pool, (c) => c.query(`update custody_events set recorded_at = recorded_at - interval '3 days' where batch_id = $1 and seq = 3`, [batchId]));
    const breaks = await verifyAgainstCheckpoint(batchId, cp);
    record('edit recorded_at of seq 3', breaks);
    expect(breaks).toMatchObject([{ batchId, seq: 3, problem: expect.stringContaining('hash does not match its content') }]);
  });

  it('delete a tail (and move the head back)', async () => {
    const batchId = await chain(4);
    const cp = await takeCheckpointNow();
    await behindTheTriggers(owner.pool, async (c) => {
      await c.query('delete from custody_events where batch_id = $1 and seq >= 3', [batchId]);
      await rehash(c, batchId);
    });
    const breaks = await verifyAgainstCheckpoint(batchId, cp);
    record('delete the tail (seq 3–4) and its head', breaks);
    expect(breaks).toEqual([{ batchId, seq: 3, recordId: null, problem: expect.stringContaining('records seq 3–4 are missing') }]);
  });

  it('delete a whole chain (and its head)', async () => {
    const batchId = await chain(3);
    const cp = await takeCheckpointNow();
    await behindTheTriggers(owner.pool, async (c) => {
      await c.query('delete from custody_events where batch_id = $1', [batchId]);
      await c.query('delete from custody_heads where batch_id = $1', [batchId]);
    });
    const breaks = await verifyAgainstCheckpoint(batchId, cp);
    record('delete a whole chain and its head', breaks);
    expect(breaks).toEqual([{ batchId, seq: 1, recordId: null, problem: expect.stringContaining('the whole chain is missing') }]);
  });

  it('insert a correctly re-hashed forged signature record', async () => {
    const batchId = await chain(3);
    const cp = await takeCheckpointNow();
    await behindTheTriggers(owner.pool, async (c) => {
      await c.query('update custody_events set seq = seq + 1 where batch_id = $1 and seq >= 3', [batchId]);
      await c.query(
        `insert into custody_events (record_key, batch_id, seq, kind, actor_name, actor_role, meaning, data, occurred_at, recorded_at, hash_version, prev_hash, hash)
         values ($1, $2, 3, 'qa-disposition', 'Q. Forger', 'qa', 'release', '{"decision":"release"}', now(), now(), 2, null, 'x')`,
        [`${batchId}:forged`, batchId],
      );
      await rehash(c, batchId);
    });
    expect((await verifyCustodyChains(app.pool, batchId)).breaks).toEqual([]); // the chain and its head alone are fooled …
    const breaks = await verifyAgainstCheckpoint(batchId, cp);
    record('insert a re-hashed forged QA signature at seq 3', breaks);
    expect(breaks).toMatchObject([{ batchId, seq: 3, problem: expect.stringContaining('hash differs from the one checkpoint') }]); // … the checkpoint is not
  });

  it('re-hash the whole table after an edit', async () => {
    const batchIds = [await chain(2), await chain(3), await chain(2, 'qa-disposition')];
    const cp = await takeCheckpointNow();
    await behindTheTriggers(owner.pool, async (c) => {
      await c.query(`update custody_events set actor_name = 'Someone else' where batch_id = $1 and seq = 1`, [batchIds[1]]);
      for (const id of batchIds) await rehash(c, id);
    });
    const breaks = (await Promise.all(batchIds.map((id) => verifyAgainstCheckpoint(id, cp)))).flat();
    record('edit one record, re-hash every chain and head', breaks);
    expect(breaks).toMatchObject([{ batchId: batchIds[1], seq: 3, problem: expect.stringContaining('hash differs') }]);
  });

  it('what the window leaves open: a record appended after the latest checkpoint verifies', async () => {
    const batchId = await chain(2);
    const cp = await takeCheckpointNow();
    await owner.pool.query(`select 1`);
    await activities.appendCustodyRecord({
      key: `${batchId}:custody:3`, batchId, kind: 'handoff', step: 'collection', actor: { name: 'A. Courier', role: 'courier' },
      location: 'Dock 3', meaning: 'received', occurredAt: new Date(Date.UTC(2026, 2, 3)).toISOString(),
    });
    const breaks = await verifyAgainstCheckpoint(batchId, cp);
    record('(window) append a record after the checkpoint', breaks);
    expect(breaks).toEqual([]);
  });
});
