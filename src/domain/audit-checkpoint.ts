import { createHash } from 'node:crypto';
import { canonicalJson } from './custody-chain.js';

/**
 * A signed checkpoint anchors every real batch's custody chain head outside PostgreSQL: whoever
 * owns the database can re-hash a chain, but cannot make its head match a root signed earlier with
 * a key the database never held. Pure: building the root and judging a chain against it.
 */
export const CHECKPOINT_FORMAT = 'v2v.audit.checkpoint.v1';

export interface ChainHead {
  batchId: string;
  seq: number;
  hash: string;
}

export interface CheckpointPayload {
  format: typeof CHECKPOINT_FORMAT;
  id: string;
  issuedAt: string;
  batches: number;
  records: number;
  /** Merkle root (hex) over the heads, sorted by batch id. */
  root: string;
  /** SHA-256 of the previous checkpoint's canonical payload: the checkpoints chain too. */
  previous: string | null;
  /** SHA-256 of the public key (SPKI DER) that verifies the signature. */
  keyId: string;
}

const sha256 = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const byBatchId = (a: ChainHead, b: ChainHead) => (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0);

/** Leaves and nodes are domain-separated (RFC 6962), so no inner node can pass for a head. An odd node moves up as it is. */
export function merkleRoot(heads: readonly ChainHead[]): string {
  let level: Buffer[] = [...heads].sort(byBatchId).map((h) => sha256(LEAF, `${h.batchId}:${h.seq}:${h.hash}`));
  if (level.length === 0) return sha256('').toString('hex');
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? sha256(NODE, level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!.toString('hex');
}

/** The bytes that are signed. */
export const canonicalPayload = (payload: CheckpointPayload) => canonicalJson(payload);
export const payloadDigest = (payload: CheckpointPayload) => sha256(canonicalPayload(payload)).toString('hex');

/** The end of a batch's chain as PostgreSQL holds it now: its last record, or none. */
export interface ChainEnd {
  records: number;
  hashAt: (seq: number) => { recordId: number; hash: string } | undefined;
}

/**
 * What is wrong with a batch's (internally consistent) chain, judged against a head an anchor
 * vouches for (the signed checkpoint, or the custody_heads row), or null when the chain holds it.
 */
export function judgeAgainstHead(chain: ChainEnd, head: ChainHead, anchor: string): { seq: number; recordId: number | null; problem: string } | null {
  if (chain.records === 0) {
    return { seq: 1, recordId: null, problem: `the whole chain is missing: ${anchor} vouches for seq 1–${head.seq}` };
  }
  const at = chain.hashAt(head.seq);
  if (!at) {
    return { seq: chain.records + 1, recordId: null, problem: `records seq ${chain.records + 1}–${head.seq} are missing (the tail was deleted): ${anchor} vouches for seq ${head.seq}` };
  }
  if (at.hash !== head.hash) {
    return {
      seq: head.seq,
      recordId: at.recordId,
      problem: `hash differs from the one ${anchor} vouches for: a record at or before seq ${head.seq} was altered, inserted or removed and the chain re-hashed`,
    };
  }
  return null;
}
