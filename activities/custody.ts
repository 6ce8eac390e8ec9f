import { desc, eq } from 'drizzle-orm';
import { custodyEvents } from '../src/db/schema/index.js';
import { custodyHash } from '../src/domain/custody-chain.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput, lockBatch, parseInstant } from './failures.js';
import type { BatchActivities, CustodyRecordInput } from './types.js';

/** Appends one record to the batch's hash chain; the record key makes a retry return the first write. */
export function custodyActivities({ db }: ActivityDeps): Pick<BatchActivities, 'appendCustodyRecord'> {
  return {
    async appendCustodyRecord(input: CustodyRecordInput) {
      // Milliseconds only, and data as plain JSON: exactly what reads back from PostgreSQL, so the
      // hash computed here is the one `v2v audit verify` recomputes.
      const occurredAt = new Date(parseInstant(input.occurredAt, 'occurredAt').toISOString());
      const data = input.data === undefined ? null : (JSON.parse(JSON.stringify(input.data)) as unknown);

      return db.transaction(async (tx) => {
        // Lock first, then look: a retry racing its own first attempt waits here and then finds it.
        await lockBatch(tx, input.batchId);
        const [existing] = await tx
          .select({ batchId: custodyEvents.batchId, seq: custodyEvents.seq, hash: custodyEvents.hash })
          .from(custodyEvents)
          .where(eq(custodyEvents.recordKey, input.key));
        if (existing && existing.batchId !== input.batchId) {
          throw invalidInput(`Custody record key ${input.key} already belongs to another batch.`);
        }
        if (existing) return { seq: existing.seq, hash: existing.hash };

        const [last] = await tx
          .select({ seq: custodyEvents.seq, hash: custodyEvents.hash })
          .from(custodyEvents)
          .where(eq(custodyEvents.batchId, input.batchId))
          .orderBy(desc(custodyEvents.seq))
          .limit(1);
        const record = {
          batchId: input.batchId,
          seq: (last?.seq ?? 0) + 1,
          kind: input.kind,
          step: input.step ?? null,
          actorName: input.actor.name,
          actorRole: input.actor.role,
          location: input.location ?? null,
          meaning: input.meaning ?? null,
          data,
          occurredAt: occurredAt.toISOString(),
          prevHash: last?.hash ?? null,
        };
        const hash = custodyHash(record);
        await tx.insert(custodyEvents).values({ ...record, recordKey: input.key, occurredAt, hash });
        return { seq: record.seq, hash };
      });
    },
  };
}
