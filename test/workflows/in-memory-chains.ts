import { addDays } from '../../src/domain/calendar-day.js';
import type { CapacityRelease } from '../../activities/deps.js';
import { invalidInput, parseInstant } from '../../activities/failures.js';
import type { BatchActivities } from '../../activities/types.js';
import type { SlotChain } from '../../src/domain/batch/index.js';

type ChainActivities = Pick<BatchActivities, 'confirmChainLine' | 'replanChain' | 'releaseChain'>;

/**
 * The slot-chain activities of the in-memory double: what the database side would answer, with
 * the world's turns set by the test (a line lost at receipt, no chain left for a re-plan). A
 * re-plan books, by default, the chain that starts on the earliest day asked for.
 */
export function inMemoryChains() {
  const held = new Map<string, { version: number; state: 'held' | 'released' }>();
  const lostLines = new Set<string>();
  const noChainFor = new Set<string>();
  const confirmed = new Map<string, { from: string; to: string }>();
  const releases: CapacityRelease[] = [];
  const replans: { batchId: string; earliestDay: string; reason: string }[] = [];

  const activities: ChainActivities = {
    async confirmChainLine({ batchId, from, to }) {
      if (parseInstant(to, 'to') <= parseInstant(from, 'from')) throw invalidInput(`A line window must end after it starts (${from} → ${to}).`);
      if (lostLines.has(batchId)) {
        releases.push({ batchId, reason: 'line held ahead lost at receipt' });
        return { confirmed: false };
      }
      if (!confirmed.has(batchId)) confirmed.set(batchId, { from, to });
      return { confirmed: true };
    },
    async replanChain({ batchId, earliestDay, reason }) {
      replans.push({ batchId, earliestDay, reason });
      releases.push({ batchId, reason: `chain re-planned: ${reason}` });
      if (noChainFor.has(batchId)) {
        held.delete(batchId);
        return {};
      }
      const version = (held.get(batchId)?.version ?? 1) + 1;
      held.set(batchId, { version, state: 'held' });
      return { chain: chainFrom(earliestDay, version) };
    },
    async releaseChain({ batchId, reason }) {
      const chain = held.get(batchId);
      held.set(batchId, { version: chain?.version ?? 1, state: 'released' });
      releases.push({ batchId, reason });
    },
  };

  return {
    activities,
    /** Capacity given back, in order, as the `afterCapacityReleased` hook would hear of it. */
    releases,
    replans,
    confirmedLine: (batchId: string) => confirmed.get(batchId),
    chainState: (batchId: string) => held.get(batchId)?.state,
    /** The line this batch's chain holds ahead no longer fits at receipt. */
    loseLine: (batchId: string) => lostLines.add(batchId),
    /** No chain fits this batch's re-plans: it is waitlisted. */
    noChainLeft: (batchId: string) => noChainFor.add(batchId),
  };
}

/** A chain of the test product's shape from `collectionDay`: line the next day for 10 days, infusion 5 days later. */
export function chainFrom(collectionDay: string, version = 1, facilityId = 'central-cell-facility'): SlotChain {
  const lineStartDay = addDays(collectionDay, 1);
  const lineEndDay = addDays(lineStartDay, 10);
  return { version, facilityId, collectionDay, lineStartDay, lineEndDay, infusionDay: addDays(lineEndDay, 5) };
}
