import type pg from 'pg';
import { findChainBreak, type ChainBreak, type StoredCustodyRecord } from '../domain/custody-chain.js';

export interface AuditResult {
  records: number;
  batches: number;
  /** The first broken record of each broken batch, in batch order; empty when every chain holds. */
  breaks: ChainBreak[];
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
  prev_hash: string | null;
  hash: string;
}

/**
 * Recomputes the custody chain of one batch, or of every batch, from what PostgreSQL holds now.
 * The append-only trigger stops ordinary clients; this catches what it cannot (a superuser who
 * disabled it, a restored backup, a disk edit). One batch at a time, so memory stays flat.
 */
export async function verifyCustodyChains(pool: pg.Pool, batchId?: string): Promise<AuditResult> {
  const batchIds = batchId
    ? [batchId]
    : (await pool.query<{ batch_id: string }>('select distinct batch_id from custody_events order by batch_id')).rows.map((r) => r.batch_id);
  const result: AuditResult = { records: 0, batches: 0, breaks: [] };
  for (const id of batchIds) {
    const { rows } = await pool.query<CustodyRow>(
      `select id, batch_id, seq, kind, step, actor_name, actor_role, location, meaning, data, occurred_at, prev_hash, hash
       from custody_events where batch_id = $1 order by seq, id`,
      [id],
    );
    if (rows.length === 0) continue;
    result.records += rows.length;
    result.batches += 1;
    const broken = findChainBreak(rows.map(toRecord));
    if (broken) result.breaks.push(broken);
  }
  return result;
}

function toRecord(row: CustodyRow): StoredCustodyRecord {
  return {
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
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** One line per finding, for people: which batch, which record, and what is wrong with it. */
export function describeAudit(result: AuditResult): string[] {
  if (result.breaks.length === 0) return [`audit: ${result.records} records in ${result.batches} batches verified`];
  return [
    `audit: ${result.breaks.length} of ${result.batches} batches have a broken custody chain (${result.records} records checked)`,
    ...result.breaks.map((b) => `broken: batch ${b.batchId}, seq ${b.seq}, record ${b.recordId}: ${b.problem}`),
  ];
}
