import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { canonicalPayload, CHECKPOINT_FORMAT, merkleRoot, payloadDigest, type ChainHead, type CheckpointPayload } from '../domain/audit-checkpoint.js';
import { latestCheckpointFile, readCheckpointFile, writeCheckpointFile, type SignedCheckpoint } from './checkpoint-file.js';
import { ensureCheckpointKey, keyId, loadSigningKey, loadVerifyingKey, signBytes, type CheckpointKeyFiles } from './checkpoint-key.js';
import { checkpointDueInMs, queueCheckpoint } from './checkpoint-outbox.js';

export interface CheckpointOptions {
  keys: CheckpointKeyFiles;
  dir: string;
  /** The outbound topic the checkpoint is queued for (through the transactional outbox). */
  topic: string;
  now?: () => Date;
}

// Any constant: the same in every process, so checkpoints are taken one at a time and each names its true predecessor.
const CHECKPOINT_LOCK = 4_242_017;

/**
 * Signs a Merkle root over every real batch's chain head, writes it outside PostgreSQL and queues
 * it for the outbound topic, all while holding the checkpoint lock.
 */
export async function takeCheckpoint(pool: pg.Pool, options: CheckpointOptions): Promise<{ checkpoint: SignedCheckpoint; file: string }> {
  return underCheckpointLock(pool, (client) => signAndRecord(client, options));
}

/**
 * The scheduled checkpoint: takes one only if the last (scheduled or on demand) was queued at
 * least `everyMs` ago by the database's clock, decided under the lock, so any number of workers
 * take one per interval. Otherwise says how long until one is due.
 */
export async function takeCheckpointIfDue(
  pool: pg.Pool,
  options: CheckpointOptions & { everyMs: number },
): Promise<{ taken: { checkpoint: SignedCheckpoint; file: string } } | { dueInMs: number }> {
  return underCheckpointLock(pool, async (client) => {
    const dueInMs = await checkpointDueInMs(client, options.topic, options.everyMs);
    return dueInMs > 0 ? { dueInMs } : { taken: await signAndRecord(client, options) };
  });
}

/** A session lock on one connection: released with it, even if the process dies mid-checkpoint. */
async function underCheckpointLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [CHECKPOINT_LOCK]);
    try {
      return await work(client);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [CHECKPOINT_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function signAndRecord(client: pg.PoolClient, options: CheckpointOptions): Promise<{ checkpoint: SignedCheckpoint; file: string }> {
  ensureCheckpointKey(options.keys);
  const signingKey = loadSigningKey(options.keys.privateKey);
  const publicKey = loadVerifyingKey(options.keys.publicKey);
  const heads = await readHeads(client);
  const latestFile = latestCheckpointFile(options.dir);
  const latest = latestFile ? readCheckpointFile(latestFile, publicKey) : undefined;
  const now = (options.now ?? (() => new Date()))();
  const payload: CheckpointPayload = {
    format: CHECKPOINT_FORMAT,
    id: `${now.toISOString()}-${randomBytes(4).toString('hex')}`,
    issuedAt: now.toISOString(),
    batches: heads.length,
    records: heads.reduce((n, h) => n + h.seq, 0),
    root: merkleRoot(heads),
    previous: latest ? payloadDigest(latest.payload) : null,
    keyId: keyId(publicKey),
  };
  const checkpoint: SignedCheckpoint = { payload, signature: signBytes(signingKey, canonicalPayload(payload)), heads };
  // The file and the outbox row stand or fall together: the file is written inside the transaction
  // that queues the row, so a failed write queues nothing. Only a commit lost after the write can
  // leave a file unqueued, and the next checkpoint queues its predecessor again (a no-op when it
  // was queued). The outbox publisher then sends until Kafka takes it: at least once, by event id.
  await client.query('begin');
  try {
    if (latest) await queueCheckpoint(client, options.topic, latest);
    await queueCheckpoint(client, options.topic, checkpoint);
    const file = writeCheckpointFile(options.dir, checkpoint);
    await client.query('commit');
    return { checkpoint, file };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/**
 * Every real batch's head, in one snapshot with the check that they are the chains' ends: refuses to
 * sign heads that no longer match their last records, so a checkpoint vouches for a trail that held.
 */
async function readHeads(client: pg.PoolClient): Promise<ChainHead[]> {
  await client.query('begin isolation level repeatable read read only');
  try {
    const { rows } = await client.query<{ batch_id: string; seq: number; hash: string }>('select batch_id, seq, hash from custody_heads order by batch_id');
    const { rows: stale } = await client.query<{ batch_id: string }>(
      `select h.batch_id from custody_heads h left join custody_events e on e.batch_id = h.batch_id and e.seq = h.seq
       where e.hash is distinct from h.hash limit 5`,
    );
    await client.query('commit');
    if (stale.length > 0) {
      throw new Error(`not signing: the chain head of batch ${stale.map((r) => r.batch_id).join(', ')} does not match its last record; run \`v2v audit verify\`.`);
    }
    return rows.map((r) => ({ batchId: r.batch_id, seq: r.seq, hash: r.hash }));
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}
