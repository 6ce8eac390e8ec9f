import { desc, eq, sql } from 'drizzle-orm';
import { custodyEvents, excursions } from '../src/db/schema/index.js';
import { CUSTODY_HASH_VERSION, custodyHash, type CustodyContent } from '../src/domain/custody-chain.js';
import type { ActivityDeps, Tx } from './deps.js';
import { invalidInput, lockBatch, parseInstant } from './failures.js';
import type { BatchActivities, CustodyRecordInput } from './types.js';

/** Appends one record to the batch's hash chain; the record key makes a retry return the first write. */
export function custodyActivities({ db }: ActivityDeps): Pick<BatchActivities, 'appendCustodyRecord'> {
  return {
    async appendCustodyRecord(input: CustodyRecordInput) {
      const occurredAt = parseInstant(input.occurredAt, 'occurredAt');
      return db.transaction(async (tx) => {
        const { seq, hash, existed } = await appendCustodyInTransaction(tx, input);
        if (!existed && input.kind === 'excursion-assessment') await recordAssessment(tx, input, occurredAt);
        return { seq, hash };
      });
    },
  };
}

/**
 * The one way a record joins a batch's hash chain, inside the caller's transaction (the workflow's
 * activity above; the waitlist's urgency and allocation records and a disruption's chain moves), so
 * the record and the row it attests commit together. The batch row is locked first, then the key is
 * looked up: a retry racing its own first attempt waits and then finds it, and every writer takes its
 * turn on the chain's seq. A key already written returns that record (`existed`).
 */
export async function appendCustodyInTransaction(tx: Tx, input: CustodyRecordInput): Promise<{ seq: number; hash: string; existed: boolean }> {
  await lockBatch(tx, input.batchId);
  const [existing] = await tx
    .select({ batchId: custodyEvents.batchId, seq: custodyEvents.seq, hash: custodyEvents.hash })
    .from(custodyEvents)
    .where(eq(custodyEvents.recordKey, input.key));
  if (existing && existing.batchId !== input.batchId) throw invalidInput(`Custody record key ${input.key} already belongs to another batch.`);
  if (existing) return { seq: existing.seq, hash: existing.hash, existed: true };

  const [last] = await tx
    .select({ seq: custodyEvents.seq, hash: custodyEvents.hash })
    .from(custodyEvents)
    .where(eq(custodyEvents.batchId, input.batchId))
    .orderBy(desc(custodyEvents.seq))
    .limit(1);
  // The server's clock, not the caller's, and inside the hash: when V2V learnt of the event is evidence too.
  const record = custodyContent(input, last, new Date());
  const hash = custodyHash(record);
  await tx.insert(custodyEvents).values({ ...record, recordKey: input.key, occurredAt: new Date(record.occurredAt), recordedAt: new Date(record.recordedAt), hash });
  return { seq: record.seq, hash, existed: false };
}

/**
 * What a record stores and hashes, chained to the batch's last record: milliseconds only, and data
 * as plain JSON, exactly what reads back from PostgreSQL, so the hash computed from it is the one
 * `v2v audit verify` recomputes.
 */
export function custodyContent(input: CustodyRecordInput, last: { seq: number; hash: string } | undefined, recordedAt: Date): CustodyContent {
  return {
    batchId: input.batchId,
    seq: (last?.seq ?? 0) + 1,
    kind: input.kind,
    step: input.step ?? null,
    actorName: input.actor.name,
    actorRole: input.actor.role,
    location: input.location ?? null,
    meaning: input.meaning ?? null,
    data: input.data === undefined ? null : (JSON.parse(JSON.stringify(input.data)) as unknown),
    occurredAt: parseInstant(input.occurredAt, 'occurredAt').toISOString(),
    recordedAt: recordedAt.toISOString(),
    hashVersion: CUSTODY_HASH_VERSION,
    prevHash: last?.hash ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Copies QA's verdict onto the excursion row, with the signature that records it, so the excursion
 * list shows it. Only excursions and gaps of the engine have a row (uuid ids); a deviation has
 * none, and then nothing is updated.
 */
async function recordAssessment(tx: Tx, input: CustodyRecordInput, at: Date): Promise<void> {
  const issueId = input.data?.['issueId'];
  if (typeof issueId !== 'string' || !UUID.test(issueId)) return;
  const assessment = { impact: input.data?.['impact'], signer: input.actor, meaning: input.meaning ?? null, at: at.toISOString() };
  await tx.update(excursions).set({ assessment, updatedAt: sql`now()` }).where(eq(excursions.id, issueId));
}
