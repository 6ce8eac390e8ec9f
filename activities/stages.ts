import { eq, sql } from 'drizzle-orm';
import { batches, batchStageHistory, outbox } from '../src/db/schema/index.js';
import { BATCH_EVENTS_TOPIC, type BatchStageChangedEvent } from '../src/outbox/batch-events.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput, parseInstant } from './failures.js';
import type { BatchActivities, StageChangeInput } from './types.js';

/**
 * The batch row, its stage history and the outbound event change together or not at all
 * (transactional outbox): downstream systems never hear of a stage the database does not hold.
 */
export function stageActivities({ db }: ActivityDeps): Pick<BatchActivities, 'recordStageChange'> {
  return {
    async recordStageChange(input: StageChangeInput) {
      const at = parseInstant(input.at, 'at');
      const event: BatchStageChangedEvent = {
        eventId: input.eventId,
        type: 'batch.stage-changed',
        batchId: input.batchId,
        coiId: input.coiId,
        productId: input.productId,
        stage: input.stage,
        previous: input.previous,
        at: at.toISOString(),
      };
      await db.transaction(async (tx) => {
        // The event id is the idempotency key: if the outbox already has it, this change was
        // committed by an earlier attempt and nothing else must be written again.
        const inserted = await tx
          .insert(outbox)
          .values({ eventId: input.eventId, topic: BATCH_EVENTS_TOPIC, key: input.batchId, payload: event })
          .onConflictDoNothing({ target: outbox.eventId })
          .returning({ id: outbox.id });
        if (inserted.length === 0) return;

        const updated = await tx
          .update(batches)
          .set({ stage: input.stage, updatedAt: sql`now()` })
          .where(eq(batches.id, input.batchId))
          .returning({ id: batches.id });
        if (updated.length === 0) throw invalidInput(`Batch ${input.batchId} does not exist.`);

        await tx
          .insert(batchStageHistory)
          .values({ batchId: input.batchId, productId: input.productId, stage: input.stage, previous: input.previous, enteredAt: at })
          .onConflictDoNothing();
      });
    },
  };
}
