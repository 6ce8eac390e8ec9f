import { createHash } from 'node:crypto';

/**
 * The chain of custody is tamper-evident (21 CFR Part 11 §11.10(e), §11.50 in spirit): each
 * record's hash covers its content and the previous record's hash, so altering, removing or
 * reordering any record breaks every link after it. Pure: the activity that writes records and
 * `v2v audit verify` that re-checks them share these two functions and nothing else.
 *
 * An unkeyed hash chain alone does not stop whoever can rewrite the whole table: the signed
 * checkpoints (src/audit/) anchor each chain's head outside PostgreSQL.
 */

/**
 * What a record's hash covers. 1: the fields below except `recordedAt` (records written before
 * 2026-12). 2: those, `recordedAt` and the version itself. A record keeps the version it was
 * written with, so old records still verify as they are: re-hashing them once as the owner would
 * be exactly the rewrite the chain must reveal. A chain's versions never go down.
 */
export const CUSTODY_HASH_VERSION: CustodyHashVersion = 2;
export type CustodyHashVersion = 1 | 2;

export interface CustodyContent {
  batchId: string;
  seq: number;
  kind: string;
  step: string | null;
  actorName: string;
  actorRole: string;
  location: string | null;
  meaning: string | null;
  data: unknown;
  /** ISO 8601 with milliseconds, as `Date.toISOString()` writes it. */
  occurredAt: string;
  /** When V2V wrote the record (the server's clock), ISO 8601 with milliseconds; in the hash from version 2. */
  recordedAt: string;
  hashVersion: CustodyHashVersion;
  prevHash: string | null;
}

/**
 * Deterministic JSON: object keys sorted, undefined members dropped (as JSON.stringify drops
 * them), so the same content always gives the same bytes — whatever key order jsonb hands back.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The canonical form of one record: every field that is evidence, absent ones as null. */
export function canonicalCustodyRecord(record: CustodyContent): string {
  const evidence = {
    batchId: record.batchId,
    seq: record.seq,
    kind: record.kind,
    step: record.step ?? null,
    actorName: record.actorName,
    actorRole: record.actorRole,
    location: record.location ?? null,
    meaning: record.meaning ?? null,
    data: record.data ?? null,
    occurredAt: record.occurredAt,
    prevHash: record.prevHash ?? null,
  };
  if (record.hashVersion === 1) return canonicalJson(evidence);
  return canonicalJson({ ...evidence, recordedAt: record.recordedAt, hashVersion: record.hashVersion });
}

/** SHA-256 (hex) of the canonical form. */
export function custodyHash(record: CustodyContent): string {
  return createHash('sha256').update(canonicalCustodyRecord(record), 'utf8').digest('hex');
}

export interface StoredCustodyRecord extends CustodyContent {
  id: number;
  hash: string;
}

export interface ChainBreak {
  batchId: string;
  seq: number;
  recordId: number;
  problem: string;
}

/**
 * The first record of one batch's chain (given in seq order) that does not hold, or null.
 * Checks, in order: seq continuity from 1, the link to the previous record's stored hash, and the
 * record's own hash against its content.
 */
export function findChainBreak(records: readonly StoredCustodyRecord[]): ChainBreak | null {
  let previous: StoredCustodyRecord | undefined;
  for (const record of records) {
    const at = (problem: string): ChainBreak => ({ batchId: record.batchId, seq: record.seq, recordId: record.id, problem });
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (record.seq !== expectedSeq) {
      return at(`seq ${record.seq} where ${expectedSeq} was expected: a record is missing or was renumbered`);
    }
    const expectedPrev = previous?.hash ?? null;
    if ((record.prevHash ?? null) !== expectedPrev) {
      return at(
        previous
          ? `prev_hash does not match the hash of seq ${previous.seq}: the record before it was altered or replaced`
          : 'the first record of the chain points to a previous hash',
      );
    }
    if (previous && record.hashVersion < previous.hashVersion) {
      return at(`hash version ${record.hashVersion} after version ${previous.hashVersion}: the record was marked older than it is`);
    }
    if (custodyHash(record) !== record.hash) {
      return at('hash does not match its content: the record was altered after it was written');
    }
    previous = record;
  }
  return null;
}
