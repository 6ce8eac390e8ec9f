import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { canonicalPayload, CHECKPOINT_FORMAT, merkleRoot, payloadDigest, type ChainHead, type CheckpointPayload } from '../domain/audit-checkpoint.js';
import { latestCheckpointFile, readCheckpointFile, writeCheckpointFile, type SignedCheckpoint } from './checkpoint-file.js';
import { ensureCheckpointKey, keyId, loadSigningKey, loadVerifyingKey, signBytes, type CheckpointKeyFiles } from './checkpoint-key.js';

export interface CheckpointOptions {
  keys: CheckpointKeyFiles;
  dir: string;
  /** Sends the signed checkpoint out of the building (the Kafka topic); the file is written first. */
  publish?: (checkpoint: SignedCheckpoint) => Promise<void>;
  now?: () => Date;
}

/**
 * Signs a Merkle root over every real batch's chain head and writes it outside PostgreSQL. Refuses
 * to sign heads that no longer match their chains' last records: a checkpoint vouches for a trail
 * that held when it was taken.
 */
export async function takeCheckpoint(pool: pg.Pool, options: CheckpointOptions): Promise<{ checkpoint: SignedCheckpoint; file: string }> {
  ensureCheckpointKey(options.keys);
  const signingKey = loadSigningKey(options.keys.privateKey);
  const publicKey = loadVerifyingKey(options.keys.publicKey);
  // One snapshot: the heads and the check that they are the chains' ends see the same moment.
  const client = await pool.connect();
  let heads: ChainHead[];
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ batch_id: string; seq: number; hash: string }>('select batch_id, seq, hash from custody_heads order by batch_id');
    const { rows: stale } = await client.query<{ batch_id: string }>(
      `select h.batch_id from custody_heads h left join custody_events e on e.batch_id = h.batch_id and e.seq = h.seq
       where e.hash is distinct from h.hash limit 5`,
    );
    await client.query('commit');
    if (stale.length > 0) {
      throw new Error(`not signing: the chain head of batch ${stale.map((r) => r.batch_id).join(', ')} does not match its last record; run \`v2v audit verify\`.`);
    }
    heads = rows.map((r) => ({ batchId: r.batch_id, seq: r.seq, hash: r.hash }));
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }

  const latest = latestCheckpointFile(options.dir);
  const now = (options.now ?? (() => new Date()))();
  const payload: CheckpointPayload = {
    format: CHECKPOINT_FORMAT,
    id: `${now.toISOString()}-${randomBytes(4).toString('hex')}`,
    issuedAt: now.toISOString(),
    batches: heads.length,
    records: heads.reduce((n, h) => n + h.seq, 0),
    root: merkleRoot(heads),
    previous: latest ? payloadDigest(readCheckpointFile(latest, publicKey).payload) : null,
    keyId: keyId(publicKey),
  };
  const checkpoint: SignedCheckpoint = { payload, signature: signBytes(signingKey, canonicalPayload(payload)), heads };
  const file = writeCheckpointFile(options.dir, checkpoint);
  await options.publish?.(checkpoint);
  return { checkpoint, file };
}
