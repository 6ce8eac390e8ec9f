import type { PlanClock } from '../src/domain/batch/journey.js';
import { confirmLineAtReceipt, liveChain, releaseChain, replanChain, slotChainOf } from '../src/planning/capacity/index.js';
import { joinWaitlist, withdrawFromWaitlist } from '../src/planning/waitlist/join-waitlist.js';
import type { ChainStore } from './deps.js';

/**
 * The slot chain on PostgreSQL (src/planning/capacity/), as the chain activities use it, re-planning
 * in `clock`'s calendar (the installation's: a compressed clock's simulated days; real by default).
 */
export const capacityChainStoreOn = (clock?: PlanClock): ChainStore => ({
  confirmLineAtReceipt: (tx, batchId, window) => confirmLineAtReceipt(tx, batchId, window, clock),
  async replanChain(tx, batchId, request) {
    const { chain } = await replanChain(tx, batchId, { ...request, clock });
    if (chain) return { next: slotChainOf(chain) };
    // No chain fits the horizon: the batch waits in the list, in the same transaction as the superseded chain.
    await joinWaitlist(tx, batchId, new Date(), request.earliestDay);
    return null;
  },
  async releaseChain(tx, batchId, reason) {
    await withdrawFromWaitlist(tx, batchId);
    return releaseChain(tx, batchId, reason);
  },
  async liveChain(tx, batchId) {
    const live = await liveChain(tx, batchId);
    return live && slotChainOf(live);
  },
});

export const capacityChainStore: ChainStore = capacityChainStoreOn();
