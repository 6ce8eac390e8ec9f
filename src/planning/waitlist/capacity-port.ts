import type { Tx } from '../../../activities/deps.js';
import type { Database } from '../../db/client.js';
import type { LocalDate } from '../../domain/calendar-day.js';
import type { ChainRoute, PlanningCapacity } from '../../domain/planning/problem.js';

/**
 * What the waitlist needs from capacity (g18-chain's src/planning/capacity/: loadPlanningCapacity,
 * chainRoutes, bookChain), behind one small port so the allocator is written once and wired at
 * start-up; tests pass a fixed capacity and a booking that writes the slot_chains row.
 */
export interface WaitlistCapacity {
  /** How far ahead the waitlist looks for a chain (days): the installation's booking horizon. */
  horizonDays: number;
  /** Free capacity of the named sites from `from`, and the local date of plan day 0. */
  load(db: Database, request: { from: Date; horizonDays: number; sites: readonly string[] }): Promise<{ capacity: PlanningCapacity; startDate: LocalDate }>;
  /** The routes a batch's cells may take (facility and the chain's offsets through it); a batch bound to a facility keeps it. */
  routes(db: Database, batch: { batchId: string; productId: string }): Promise<ChainRoute[]>;
  /**
   * Books the chain inside the caller's transaction (collection day, line window, chain row); throws
   * when the database refuses it (capacity taken since the plan): the allocation is rolled back.
   */
  book(tx: Tx, booking: { batchId: string; chain: AllocatedChain; reason: string }): Promise<{ version: number; slotChainId: string | null }>;
}

/** A slot chain in local dates, as the chain-allocated signal and the allocation record carry it. */
export interface AllocatedChain {
  facilityId: string;
  collectionDay: LocalDate;
  lineStartDay: LocalDate;
  lineEndDay: LocalDate;
  infusionDay: LocalDate;
}
