import type { Scenario } from '../scenario/scenario.js';
import type { BatchAgent } from './batch-agent.js';
import type { SiteCalendar } from './calendar.js';
import type { EventQueue } from './event-queue.js';
import type { Random } from '../../domain/random.js';

/** What the partners ask of the slot-chain desk. */
export interface ChainRequests {
  /** The order waits for a chain; `granted` runs with the collection instant once one is booked. */
  enter(agent: BatchAgent, earliestAt: number, facilityIds: readonly string[], granted: (collectionAt: number) => void): void;
}

/** The leg a courier takes: which lane, and how long this shipment will really take. */
export interface LegPlan {
  laneId: string;
  transitMs: number;
}

/**
 * What the partners of a batch need from the network around it. The network simulation answers
 * with contended resources (chairs, lines, QC, shippers, equipment that fails); a forecast for one
 * batch answers with an uncontended world (the batch alone), so the same partners serve both.
 * A `granted` callback runs on the agenda at the time the resource is given; `since` is when the
 * work it allows began (now, or for a batch picked up mid-way, when it entered its stage).
 */
export interface World {
  readonly queue: EventQueue;
  readonly scenario: Scenario;
  readonly seed: number;
  /**
   * The slot-chain desk, when the scenario allocates by slot chain: the partners then ask it for a
   * chain instead of booking a chair and promising a line themselves. Absent in a batch's forecast.
   */
  readonly chains?: ChainRequests;
  calendar(siteId: string): SiteCalendar;
  /** A chair on an opening day on or after `earliest`; returns the collection instant. */
  bookCollection(agent: BatchAgent, earliest: number): number;
  /**
   * Promises the batch a line for `lineDays` from the first day on or after `from` the facility's
   * plan has one (kept in `agent.holds.plan`); returns when the run is planned to start.
   */
  reserveLine(agent: BatchAgent, from: number, lineDays: number): number;
  /** Gives back the days of the promise not yet used. */
  releasePlan(agent: BatchAgent): void;
  /** A courier's usual door-to-door time for a leg (its median): what planners plan with. */
  typicalTransitMs(from: string, to: string, factor: number): number;
  /** The DIN printed on this collection's bag. */
  din(agent: BatchAgent, at: number): string;
  leg(agent: BatchAgent, from: string, to: string, factor: number, rng: Random): LegPlan;
  requestLine(agent: BatchAgent, granted: (equipmentId: string | undefined) => void): void;
  releaseLine(agent: BatchAgent): void;
  requestQc(agent: BatchAgent, granted: (since: number) => void): void;
  releaseQc(agent: BatchAgent): void;
  /** Product into a freezer or LN2 tank for QC and QA; out at return pickup. */
  store(agent: BatchAgent): void;
  unstore(agent: BatchAgent): void;
  /** A working, free dry shipper (set in `agent.holds.shipper`), first come first served. */
  requestShipper(agent: BatchAgent, granted: () => void): void;
  /** The shipper is delivered at the site: it travels back and is free again after its back-haul. */
  releaseShipper(agent: BatchAgent): void;
  /** An infusion chair on the first day on or after `earliest` (and before `latest`) that has one; undefined if none. */
  bookInfusion(agent: BatchAgent, earliest: number, latest: number): number | undefined;
  releaseInfusion(agent: BatchAgent): void;
  /** The batch failed, was cancelled or ended: give back whatever it holds or waits for. */
  releaseAll(agent: BatchAgent): void;
  ended(agent: BatchAgent): void;
}
