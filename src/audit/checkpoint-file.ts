import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirectory } from '../make-directory.js';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalPayload, CHECKPOINT_FORMAT, merkleRoot, type ChainHead, type CheckpointPayload } from '../domain/audit-checkpoint.js';
import { keyId, verifyBytes } from './checkpoint-key.js';

/** One checkpoint as written to its file: the signed payload and the heads its root is built from. */
const checkpointFileSchema = z.object({
  payload: z.object({
    format: z.literal(CHECKPOINT_FORMAT),
    id: z.string().regex(/^[0-9A-Za-z:.-]{1,80}$/),
    issuedAt: z.iso.datetime(),
    batches: z.number().int().min(0),
    records: z.number().int().min(0),
    root: z.string().regex(/^[0-9a-f]{64}$/),
    previous: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
    keyId: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  signature: z.string().min(1),
  // A head is whatever hash the chain holds (verify judges it); the root and the signature vouch for the list.
  heads: z.array(z.tuple([z.uuid(), z.number().int().min(1), z.string().min(1).max(200)])),
});
export type CheckpointFile = z.infer<typeof checkpointFileSchema>;

export interface SignedCheckpoint {
  payload: CheckpointPayload;
  signature: string;
  heads: ChainHead[];
}

/**
 * Append-only: a checkpoint is written once under a name that sorts by time ('wx' refuses to
 * overwrite) and made read-only. Keep the directory on storage the database's owner cannot write
 * (another host, a WORM bucket sync); the Kafka copy is the second witness.
 */
export function writeCheckpointFile(dir: string, checkpoint: SignedCheckpoint): string {
  makeDirectory(dir, 0o700);
  const file = path.join(dir, `${checkpoint.payload.id.replaceAll(':', '')}.json`);
  const body: CheckpointFile = { payload: checkpoint.payload, signature: checkpoint.signature, heads: checkpoint.heads.map((h) => [h.batchId, h.seq, h.hash]) };
  writeFileSync(file, JSON.stringify(body), { flag: 'wx', mode: 0o400 });
  chmodSync(file, 0o400);
  return file;
}

/** The newest checkpoint file's name, or undefined when none was written. */
export function latestCheckpointFile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  return names.length > 0 ? path.join(dir, names.at(-1)!) : undefined;
}

/** Reads a checkpoint and proves it: well-formed, signed by this key, and its heads give its root. */
export function readCheckpointFile(file: string, publicKey: KeyObject): SignedCheckpoint {
  const parsed = checkpointFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a V2V checkpoint: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { payload, signature } = parsed.data;
  if (payload.keyId !== keyId(publicKey)) throw new Error(`${file} was signed by key ${payload.keyId.slice(0, 16)}…, not by the configured public key ${keyId(publicKey).slice(0, 16)}….`);
  if (!verifyBytes(publicKey, canonicalPayload(payload), signature)) throw new Error(`${file}: the signature does not verify: the checkpoint was altered.`);
  const heads = parsed.data.heads.map(([batchId, seq, hash]) => ({ batchId, seq, hash }));
  if (merkleRoot(heads) !== payload.root) throw new Error(`${file}: its heads do not give its signed root: the heads were altered.`);
  return { payload, signature, heads };
}
