import { DAY_MS } from '../../../domain/durations.js';
import type { ChainAssignment, Plan, PlanningOrder, PlanningProblem } from '../../../domain/planning/problem.js';
import type { BatchAgent } from '../batch-agent.js';
import type { ChairBook } from '../chair-book.js';
import type { EventQueue } from '../event-queue.js';
import type { FacilityModel } from '../facility.js';
import { COLLECTION_HOUR, chainRoute } from './chain-route.js';
import { orderWeight } from '../../../domain/planning/weights.js';
import type { AllocationPolicy } from '../../../domain/planning/policy.js';
import { allocationPolicy, type Allocation } from '../../scenario/allocation.js';

/** A planner: the greedy rule, or the solver behind `src/planning/` once loaded. */
export type PlanFunction = (problem: PlanningProblem) => Plan;

/** The network's bookable capacity, as the desk plans it. */
export interface DeskResources {
  queue: EventQueue;
  collections: ReadonlyMap<string, ChairBook>;
  infusions: ReadonlyMap<string, ChairBook>;
  facilities: ReadonlyMap<string, FacilityModel>;
  typicalTransitMs(from: string, to: string, factor: number): number;
}

interface WaitingOrder {
  agent: BatchAgent;
  orderedAt: number;
  earliestAt: number;
  facilityIds: readonly string[];
  granted: (collectionAt: number) => void;
}

/**
 * The twin's slot-chain desk: the waitlist and the planning runs. Each run builds the planning
 * problem from the world's free capacity (collection chairs on open days, lines less outages and
 * chains held, infusion chairs), weighs the waiting orders by the policy, plans them, and books the
 * chains whose collection is within `commitDays`: chair, line window and infusion chair at once.
 * Runs happen daily while anyone waits, and at once when capacity is released.
 */
export class SlotChainDesk {
  private readonly waiting: WaitingOrder[] = [];
  private readonly booked: { centre: string; at: number }[] = [];
  private dailyAt: number | undefined;
  private runAt: number | undefined;
  private readonly policy: AllocationPolicy;
  /** Planning runs made. */
  runs = 0;

  constructor(
    private readonly resources: DeskResources,
    private readonly allocation: Allocation,
    private readonly planner: PlanFunction,
  ) {
    this.policy = allocationPolicy(allocation);
  }

  /** The order joins the waitlist; `granted` runs with the collection instant once a chain is booked. */
  enter(agent: BatchAgent, earliestAt: number, facilityIds: readonly string[], granted: (collectionAt: number) => void): void {
    this.waiting.push({ agent, orderedAt: agent.enrolledAt, earliestAt, facilityIds, granted });
    this.scheduleDaily();
  }

  /** The order stops waiting (withdrawn, dropped out): off the list. */
  leave(agent: BatchAgent): void {
    const at = this.waiting.findIndex((w) => w.agent === agent);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  /** Capacity came back (a failed batch, a cancelled chain, a line back from outage): plan again now. */
  capacityReleased(): void {
    if (this.waiting.length === 0 || this.runAt === this.resources.queue.now) return;
    const now = this.resources.queue.now;
    this.runAt = now;
    this.resources.queue.at(now, () => this.run());
  }

  private scheduleDaily(): void {
    if (this.dailyAt !== undefined) return;
    const { queue } = this.resources;
    // Just after midnight UTC: every site's day in the plan is a whole day ahead of now.
    const at = (Math.floor(queue.now / DAY_MS) + 1) * DAY_MS + 60_000;
    this.dailyAt = at;
    queue.at(at, () => {
      this.dailyAt = undefined;
      this.run();
      if (this.waiting.length > 0) this.scheduleDaily();
    });
  }

  private run(): void {
    if (this.waiting.length === 0) return;
    this.runs++;
    const now = this.resources.queue.now;
    const first = Math.floor(now / DAY_MS);
    const byId = new Map(this.waiting.map((w) => [w.agent.input.batchId, w]));
    const plan = this.planner(this.problem(first, now));
    // Earliest collections first, so that a booking never finds its chair taken by a later one.
    const due = plan.assignments.filter((a) => a.collectionDay < this.allocation.commitDays).sort((a, b) => a.collectionDay - b.collectionDay);
    for (const assignment of due) this.book(byId.get(assignment.orderId)!, assignment, first);
  }

  private problem(first: number, now: number): PlanningProblem {
    const { horizonDays } = this.allocation;
    const perDay = (f: (day: number) => number) => Array.from({ length: horizonDays }, (_, d) => f(first + d));
    const table = <T>(m: ReadonlyMap<string, T>, f: (value: T, day: number) => number) => Object.fromEntries([...m].map(([id, v]) => [id, perDay((day) => f(v, day))]));
    const recent = this.recentAllocations(now);
    return {
      orders: this.waiting.map((w) => this.order(w, first, now, recent)),
      capacity: {
        horizonDays,
        collections: table(this.resources.collections, (book, day) => book.freeOn(day)),
        lines: table(this.resources.facilities, (f, day) => f.plan.free(day)),
        chairs: table(this.resources.infusions, (book, day) => book.freeOn(day)),
      },
    };
  }

  private order(w: WaitingOrder, first: number, now: number, recent: Record<string, number>): PlanningOrder {
    const { input, params } = w.agent;
    const calendar = this.resources.collections.get(input.apheresisCenterId)!.calendar;
    let earliest = calendar.day(w.earliestAt);
    if (calendar.at(earliest, COLLECTION_HOUR) < w.earliestAt) earliest++;
    const routes = w.facilityIds.map((id) =>
      chainRoute(
        id,
        input.profile,
        params,
        {
          outboundMs: this.resources.typicalTransitMs(input.apheresisCenterId, id, params.outboundTransitFactor),
          returnMs: this.resources.typicalTransitMs(id, input.treatmentCenterId, params.returnTransitFactor),
        },
        this.allocation.lineMarginDays,
      ),
    );
    return {
      orderId: input.batchId,
      treatmentCenterId: input.treatmentCenterId,
      apheresisCenterId: input.apheresisCenterId,
      productId: input.productId,
      orderedDay: Math.floor(w.orderedAt / DAY_MS) - first,
      earliestCollectionDay: Math.max(0, earliest - first),
      weight: orderWeight(this.policy, {
        tier: w.agent.tier,
        daysWaited: Math.floor((now - w.orderedAt) / DAY_MS),
        treatmentCenterId: input.treatmentCenterId,
        recentAllocationsByCentre: recent,
        centreCount: this.resources.infusions.size,
      }).weight,
      routes,
    };
  }

  /** Chains booked per treatment centre inside the policy's fair-share window. */
  private recentAllocations(now: number): Record<string, number> {
    const since = now - this.policy.fairShareWindowDays * DAY_MS;
    const byCentre: Record<string, number> = {};
    for (const b of this.booked) if (b.at >= since) byCentre[b.centre] = (byCentre[b.centre] ?? 0) + 1;
    return byCentre;
  }

  /** Chair, line window and infusion chair, held together; the agent learns its collection day. */
  private book(w: WaitingOrder, a: ChainAssignment, first: number): void {
    const { agent } = w;
    const { input } = agent;
    const collectionDay = first + a.collectionDay;
    const collectionAt = this.resources.collections.get(input.apheresisCenterId)!.take(collectionDay);
    if (collectionAt === undefined) throw new Error(`The planner booked a full collection day for ${input.batchId}.`);
    const facility = this.resources.facilities.get(a.facilityId)!;
    facility.plan.hold(first + a.lineStartDay, a.lineEndDay - a.lineStartDay);
    agent.holds.plan = { day: first + a.lineStartDay, days: a.lineEndDay - a.lineStartDay };
    agent.holds.collection = { siteId: input.apheresisCenterId, day: collectionDay };
    const infusionAt = this.resources.infusions.get(input.treatmentCenterId)!.take(first + a.infusionDay);
    if (infusionAt !== undefined) agent.holds.chair = { siteId: input.treatmentCenterId, day: first + a.infusionDay };
    // Before the first collection nothing names the facility yet: the chain chooses it.
    if (a.facilityId !== input.facilityId && agent.events.length === 0) agent.state = { ...agent.state, input: { ...input, facilityId: a.facilityId } };
    agent.chain = { collectionAt, infusionAt, facilityId: a.facilityId };
    this.waiting.splice(this.waiting.indexOf(w), 1);
    this.booked.push({ centre: input.treatmentCenterId, at: this.resources.queue.now });
    this.resources.queue.at(this.resources.queue.now, () => w.granted(collectionAt));
  }
}
