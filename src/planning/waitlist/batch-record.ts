import { desc, eq } from 'drizzle-orm';
import { custodyContent } from '../../../activities/custody.js';
import type { Tx } from '../../../activities/deps.js';
import { lockBatch } from '../../../activities/failures.js';
import type { CustodyRecordInput } from '../../../activities/types.js';
import { custodyEvents } from '../../db/schema/index.js';
import { custodyHash } from '../../domain/custody-chain.js';

/**
 * Appends a waitlist record (kind `urgency` or `allocation`) to the batch's custody hash chain, so
 * `v2v audit verify`, the checkpoints and the custody API cover it as they cover hand-offs. The
 * content and hash are the workflow's own (activities/custody.ts), and the batch row is locked
 * first, as the workflow's appends lock it, so the two writers take turns on the chain's seq. Runs
 * inside the caller's transaction: the record and the row it attests commit together or not at all.
 * A record key already written returns that record, so a retried call appends nothing twice.
 */
export async function appendBatchRecord(tx: Tx, input: CustodyRecordInput): Promise<{ seq: number; hash: string; existed: boolean }> {
  await lockBatch(tx, input.batchId);
  const [existing] = await tx
    .select({ batchId: custodyEvents.batchId, seq: custodyEvents.seq, hash: custodyEvents.hash })
    .from(custodyEvents)
    .where(eq(custodyEvents.recordKey, input.key));
  if (existing && existing.batchId !== input.batchId) throw new Error(`Custody record key ${input.key} already belongs to another batch.`);
  if (existing) return { seq: existing.seq, hash: existing.hash, existed: true };
  const [last] = await tx
    .select({ seq: custodyEvents.seq, hash: custodyEvents.hash })
    .from(custodyEvents)
    .where(eq(custodyEvents.batchId, input.batchId))
    .orderBy(desc(custodyEvents.seq))
    .limit(1);
  const record = custodyContent(input, last, new Date());
  const hash = custodyHash(record);
  await tx.insert(custodyEvents).values({
    ...record, recordKey: input.key, occurredAt: new Date(record.occurredAt), recordedAt: new Date(record.recordedAt), hash,
  });
  return { seq: record.seq, hash, existed: false };
}
