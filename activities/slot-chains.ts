import { slotChainSchema, type SlotChain } from '../src/domain/batch/chain-schema.js';
import { isLocalDate } from '../src/domain/calendar-day.js';
import { capacityChainStore } from './chain-store.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput, parseInstant } from './failures.js';
import type { BatchActivities } from './types.js';

type ChainActivities = Pick<BatchActivities, 'confirmChainLine' | 'replanChain' | 'releaseChain'>;

/** The chain refusals of src/planning/capacity/ (by code, so this file does not depend on its classes). */
const CHAIN_REFUSALS = new Set(['ERR_CHAIN_UNAVAILABLE', 'ERR_CHAIN_CONFLICT']);
const isChainRefusal = (err: unknown) => typeof err === 'object' && err !== null && CHAIN_REFUSALS.has(String((err as { code?: unknown }).code));


/**
 * The workflow's side of the slot chain (issue 18): confirm the line held ahead at receipt,
 * re-plan after a proposal, a slip or a re-collection, give the chain back on cancel or failure.
 * Each is idempotent by batch (the store locks the batch row and acts on the chain it holds), and
 * every release is followed by `afterCapacityReleased`, so freed capacity reaches the waitlist.
 */
export function slotChainActivities({ db, chains = capacityChainStore, afterCapacityReleased = async () => undefined }: ActivityDeps): ChainActivities {
  return {
    async confirmChainLine({ batchId, from, to }) {
      if (parseInstant(to, 'to') <= parseInstant(from, 'from')) throw invalidInput(`A line window must end after it starts (${from} → ${to}).`);
      try {
        await db.transaction((tx) => chains.confirmLineAtReceipt(tx, batchId, { from, to }));
        return { confirmed: true };
      } catch (err) {
        if (!isChainRefusal(err)) throw err;
      }
      // Lost: the chain is given back, so the batch's request for a free line is not blocked by its own line held ahead.
      const reason = 'line held ahead lost at receipt';
      await db.transaction((tx) => chains.releaseChain(tx, batchId, reason));
      await afterCapacityReleased({ batchId, reason });
      return { confirmed: false };
    },

    async replanChain({ batchId, earliestDay, reason }) {
      if (!isLocalDate(earliestDay)) throw invalidInput(`earliestDay must be a calendar date (YYYY-MM-DD), got "${earliestDay}".`);
      let planned: { next: SlotChain } | null;
      try {
        planned = await db.transaction((tx) => chains.replanChain(tx, batchId, { earliestDay, reason }));
      } catch (err) {
        if (!isChainRefusal(err)) throw err;
        // Refused (the cells are already on their line, say): nothing changed, so the batch keeps the chain it holds.
        const kept = await db.transaction((tx) => chains.liveChain(tx, batchId));
        return kept ? { chain: slotChainSchema.parse(kept) } : {};
      }
      // The chain it held is superseded either way: its capacity may serve someone else.
      await afterCapacityReleased({ batchId, reason: `chain re-planned: ${reason}` });
      if (!planned) return {};
      return { chain: slotChainSchema.parse(planned.next) };
    },

    async releaseChain({ batchId, reason }) {
      await db.transaction((tx) => chains.releaseChain(tx, batchId, reason));
      await afterCapacityReleased({ batchId, reason });
    },
  };
}
