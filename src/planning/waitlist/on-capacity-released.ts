import type { Database } from '../../db/client.js';
import type { Logger } from '../../logging.js';
import { allocateFreedCapacity, type AllocatorRun } from './allocator.js';
import type { WaitlistCapacity } from './capacity-port.js';
import { databaseCapacity } from './database-capacity.js';
import type { Planner } from './plan-waitlist.js';

/**
 * What the worker passes as the activities' `afterCapacityReleased` (g18-flow's activities/deps.ts):
 * every committed release runs the allocator once. Running it again for the same release (a retried
 * activity) allocates nothing twice, so no de-duplication is needed here. The log line carries ids
 * and counts only. A compressed installation passes capacity in its simulated calendar (databaseCapacityOn).
 */
export function allocateOnRelease(db: Database, logger?: Pick<Logger, 'info'>, planner?: Planner, capacity: WaitlistCapacity = databaseCapacity) {
  return async (release: { batchId: string; reason: string }): Promise<AllocatorRun> => {
    const run = await allocateFreedCapacity(db, { capacity, ...(planner ? { planner } : {}) }, { now: new Date(), reason: release.reason });
    logger?.info({ releasedBy: release.batchId, allocated: run.allocated.map((a) => a.batchId), lost: run.lost.length, waiting: run.waiting, policy: run.policy }, 'waitlist allocation run');
    return run;
  };
}
