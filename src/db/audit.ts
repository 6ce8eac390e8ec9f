import type pg from 'pg';
import { judgeAgainstHead, type ChainHead } from '../domain/audit-checkpoint.js';
import { findChainBreak, type CustodyHashVersion, type StoredCustodyRecord } from '../domain/custody-chain.js';

export interface AuditBreak {
  batchId: string;
  seq: number;
  /** The record that is wrong, or null when it is missing. */
  recordId: number | null;
  problem: string;
}

export interface AuditResult {
  records: number;
  batches: number;
  /** The first broken record of each broken batch, in batch order; empty when every chain holds. */
  breaks: AuditBreak[];
}

export interface Anchor {
  /** Names the anchor in findings, e.g. "checkpoint 2026-12-06T…". */
  name: string;
  heads: readonly ChainHead[];
}

interface CustodyRow {
  id: string;
  batch_id: string;
  seq: number;
  kind: string;
  step: string | null;
  actor_name: string;
  actor_role: string;
  location: string | null;
  meaning: string | null;
  data: unknown;
  occurred_at: Date;
  recorded_at: Date;
  hash_version: number;
  prev_hash: string | null;
  hash: string;
}

const PAGE = 5_000;

/**
 * Recomputes the custody chain of one batch, or of every batch, from what PostgreSQL holds now, and
 * holds each chain to its head in custody_heads and, when given, to a signed checkpoint's head. The
 * append-only trigger and the roles stop the processes; this catches what they cannot (an owner who
 * disabled the trigger, a restored backup, a disk edit). Records are read in pages in (batch, seq)
 * order, so memory holds one chain at a time.
 */
export async function verifyCustodyChains(pool: pg.Pool, batchId?: string, anchor?: Anchor): Promise<AuditResult> {
  const result: AuditResult = { records: 0, batches: 0, breaks: [] };
  const heads = new Map((await pool.query<{ batch_id: string; seq: number; hash: string }>(
    `select batch_id, seq, hash from custody_heads ${batchId ? 'where batch_id = $1' : ''}`, batchId ? [batchId] : [],
  )).rows.map((r) => [r.batch_id, { batchId: r.batch_id, seq: r.seq, hash: r.hash }]));
  const anchored = new Map((anchor?.heads ?? []).filter((h) => !batchId || h.batchId === batchId).map((h) => [h.batchId, h]));
  const seen = new Set<string>();

  const judge = (id: string, records: StoredCustodyRecord[]) => {
    seen.add(id);
    if (records.length > 0) {
      result.records += records.length;
      result.batches += 1;
    }
    const broken = findChainBreak(records);
    if (broken) return result.breaks.push(broken);
    const bySeq = new Map(records.map((r) => [r.seq, r]));
    const chain = { records: records.length, hashAt: (seq: number) => { const r = bySeq.get(seq); return r && { recordId: r.id, hash: r.hash }; } };
    const checks: [ChainHead | undefined, string][] = [[anchored.get(id), anchor?.name ?? ''], [heads.get(id), 'its custody_heads row']];
    for (const [head, name] of checks) {
      const problem = head && judgeAgainstHead(chain, head, name);
      if (problem) return result.breaks.push({ batchId: id, ...problem });
    }
    const last = records.at(-1);
    if (last && last.seq > 0 && !heads.has(id) && !isSimulated(last)) {
      return result.breaks.push({ batchId: id, seq: last.seq, recordId: last.id, problem: 'the chain has no custody_heads row: its head was deleted' });
    }
    return undefined;
  };

  let after: [string, number] = ['00000000-0000-0000-0000-000000000000', 0];
  let current: { id: string; records: StoredCustodyRecord[] } | undefined;
  for (;;) {
    const { rows } = await pool.query<CustodyRow & { simulation_seed: string | null }>(
      `select id, batch_id, seq, kind, step, actor_name, actor_role, location, meaning, data, occurred_at, recorded_at, hash_version, prev_hash, hash, simulation_seed
       from custody_events where (batch_id, seq) > ($1::uuid, $2::int) ${batchId ? 'and batch_id = $4' : ''}
       order by batch_id, seq limit $3`,
      batchId ? [...after, PAGE, batchId] : [...after, PAGE],
    );
    for (const row of rows) {
      if (current && current.id !== row.batch_id) judge(current.id, current.records);
      if (!current || current.id !== row.batch_id) current = { id: row.batch_id, records: [] };
      current.records.push(toRecord(row));
    }
    if (rows.length < PAGE) break;
    const last = rows.at(-1)!;
    after = [last.batch_id, last.seq];
  }
  if (current) judge(current.id, current.records);
  // A chain whose every record is gone still has its head, or its checkpoint entry.
  for (const id of new Set([...heads.keys(), ...anchored.keys()])) if (!seen.has(id)) judge(id, []);
  result.breaks.sort((a, b) => (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0));
  return result;
}

const simulatedRecords = new WeakSet<StoredCustodyRecord>();
const isSimulated = (record: StoredCustodyRecord) => simulatedRecords.has(record);

function toRecord(row: CustodyRow & { simulation_seed: string | null }): StoredCustodyRecord {
  const record: StoredCustodyRecord = {
    id: Number(row.id),
    batchId: row.batch_id,
    seq: row.seq,
    kind: row.kind,
    step: row.step,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    location: row.location,
    meaning: row.meaning,
    data: row.data,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    hashVersion: row.hash_version as CustodyHashVersion,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.simulation_seed !== null) simulatedRecords.add(record);
  return record;
}

/** One line per finding, for people: which batch, which record, and what is wrong with it. */
export function describeAudit(result: AuditResult): string[] {
  if (result.breaks.length === 0) return [`audit: ${result.records} records in ${result.batches} batches verified`];
  return [
    `audit: ${result.breaks.length} batches have a broken custody chain (${result.records} records in ${result.batches} batches checked)`,
    ...result.breaks.map((b) => `broken: batch ${b.batchId}, seq ${b.seq}, ${b.recordId === null ? 'record missing' : `record ${b.recordId}`}: ${b.problem}`),
  ];
}
