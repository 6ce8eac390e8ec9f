import { confirmLineAtReceipt, liveChain, releaseChain, replanChain, type ChainRecord } from '../src/planning/capacity/index.js';
import type { SlotChain } from '../src/domain/batch/index.js';
import type { ChainStore } from './deps.js';

/** The chain as the journey holds it (the batch workflow's `input.chain`): its days and facility, none of the rows behind them. */
export const slotChainOf = (c: ChainRecord): SlotChain => ({
  version: c.version,
  facilityId: c.facilityId,
  collectionDay: c.collectionDay,
  lineStartDay: c.lineStartDay,
  lineEndDay: c.lineEndDay,
  infusionDay: c.infusionDay,
});

/** The slot chain on PostgreSQL (src/planning/capacity/), as the chain activities use it. */
export const capacityChainStore: ChainStore = {
  confirmLineAtReceipt: (tx, batchId, window) => confirmLineAtReceipt(tx, batchId, window),
  async replanChain(tx, batchId, request) {
    const { chain } = await replanChain(tx, batchId, request);
    return chain ? { next: slotChainOf(chain) } : null;
  },
  releaseChain: (tx, batchId, reason) => releaseChain(tx, batchId, reason),
  async liveChain(tx, batchId) {
    const live = await liveChain(tx, batchId);
    return live && slotChainOf(live);
  },
};
