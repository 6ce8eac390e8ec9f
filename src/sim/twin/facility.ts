import { DAY_MS } from '../../domain/durations.js';
import type { Facility } from '../scenario/network.js';
import type { Scenario } from '../scenario/scenario.js';
import type { BatchAgent } from './batch-agent.js';
import { SiteCalendar } from './calendar.js';
import type { EquipmentFleet, Unit } from './equipment-fleet.js';
import type { EventQueue } from './event-queue.js';
import { LinePlan } from './line-plan.js';

interface Waiting<T> {
  agent: BatchAgent;
  granted: (value: T) => void;
}

/**
 * One manufacturing facility's contended resources: lines (each needing a working bioreactor),
 * the QC lab, product storage and the return-leg dry shippers. Each has a first-come, first-served
 * queue (fresh material ahead of cryopreserved for lines); a grant runs on the agenda at the time
 * the resource frees.
 */
export class FacilityModel {
  readonly calendar: SiteCalendar;
  readonly bioreactors: Unit[] = [];
  readonly storage: Unit[] = [];
  readonly shippers: Unit[] = [];
  readonly usedBy = new Map<string, BatchAgent>();
  readonly stored = new Map<string, Set<BatchAgent>>();
  private readonly lineQueue: Waiting<string>[] = [];
  private readonly qcQueue: Waiting<number>[] = [];
  private readonly shipperQueue: Waiting<string>[] = [];
  private busyLines = 0;
  private busyQc = 0;
  /** Line-milliseconds used, and lost to outages, inside the measurement window. */
  lineBusyMs = 0;
  private readonly outages: { from: number; to: number; lines: number }[];
  /** Lines promised by day, ahead of the runs (see LinePlan). */
  readonly plan = new LinePlan((day) => this.linesAvailable(day * DAY_MS + DAY_MS / 2));

  constructor(
    readonly config: Facility,
    scenario: Scenario,
    private readonly queue: EventQueue,
    private readonly fleet: EquipmentFleet,
    start: number,
    private readonly window: { from: number; to: number },
    /** Slot chains: batches holding a chain are started in the order of their planned line days. */
    private readonly chainsFirst = false,
  ) {
    this.calendar = new SiteCalendar(config.timeZone, config.workingDays);
    this.outages = scenario.incidents.flatMap((i) =>
      i.kind === 'line-outage' && i.facilityId === config.id ? [{ from: start + i.startDay * DAY_MS, to: start + (i.startDay + i.days) * DAY_MS, lines: i.lines }] : [],
    );
    for (let i = 0; i < config.bioreactors; i++) this.bioreactors.push(fleet.add('bioreactor', config.id, i));
    for (let i = 0; i < config.freezers; i++) this.storage.push(fleet.add('freezer', config.id, i));
    for (let i = 0; i < config.ln2Tanks; i++) this.storage.push(fleet.add('ln2_tank', config.id, i));
    for (let i = 0; i < config.dryShippers; i++) this.shippers.push(fleet.add('dry_shipper', config.id, i));
    for (const o of this.outages) queue.at(o.to, () => this.grantLines());
  }

  requestLine(agent: BatchAgent, granted: (equipmentId: string) => void): void {
    agent.holds.queued = 'line';
    this.lineQueue.push({ agent, granted });
    this.grantLines();
  }

  releaseLine(agent: BatchAgent): void {
    const held = agent.holds.line;
    if (!held) return this.dequeue(agent);
    agent.holds.line = undefined;
    this.busyLines--;
    this.lineBusyMs += overlap(held.since, this.queue.now, this.window);
    const unit = this.bioreactors.find((b) => b.id === held.equipmentId);
    if (unit) {
      this.usedBy.delete(unit.id);
      this.fleet.setInUse(unit, false);
    }
    this.grantLines();
  }

  /** Lines free now: the facility's lines less those closed by an outage. */
  linesAvailable(at = this.queue.now): number {
    return this.config.lines - this.outages.reduce((n, o) => (at >= o.from && at < o.to ? n + o.lines : n), 0);
  }

  /** Batches on or waiting for a line, per line: where a new patient's cells should go. */
  load(): number {
    return (this.busyLines + this.lineQueue.length) / Math.max(this.linesAvailable(), 1);
  }

  /** Line-milliseconds the window offered (lines × time, less outages). */
  lineCapacityMs(): number {
    const span = this.window.to - this.window.from;
    return this.config.lines * span - this.outages.reduce((ms, o) => ms + o.lines * overlap(o.from, o.to, this.window), 0);
  }

  grantLines(): void {
    while (this.lineQueue.length > 0 && this.busyLines < this.linesAvailable()) {
      const unit = this.bioreactors.find((b) => !b.down && !b.inUse);
      if (!unit) return;
      // Fresh material keeps for hours, cryopreserved material for years: the planner starts fresh material first.
      const fresh = () => Math.max(0, this.lineQueue.findIndex((w) => w.agent.input.profile.startingMaterial === 'fresh'));
      const next = this.chainsFirst ? this.earliestChain() : fresh();
      if (next < 0) return;
      const { agent, granted } = this.lineQueue.splice(next, 1)[0]!;
      this.busyLines++;
      this.usedBy.set(unit.id, agent);
      this.fleet.setInUse(unit, true);
      agent.holds.queued = undefined;
      agent.holds.line = { equipmentId: unit.id, since: this.queue.now };
      this.queue.at(this.queue.now, () => granted(unit.id));
    }
  }

  /**
   * The queued batch whose chain's line window starts first (fresh material first on the same day)
   * and that may start now: material that arrived before its window starts early only if the plan
   * has a line free on each day until then (those days are then held too); otherwise it waits for
   * its own window, so that it never takes a line promised to another chain. −1 if none may start.
   */
  private earliestChain(): number {
    const today = Math.floor(this.queue.now / DAY_MS);
    const key = (w: Waiting<string>) => (w.agent.holds.plan?.day ?? -Infinity) * 2 + (w.agent.input.profile.startingMaterial === 'fresh' ? 0 : 1);
    const order = this.lineQueue.map((w, i) => ({ w, i })).sort((a, b) => key(a.w) - key(b.w) || a.i - b.i);
    for (const { w, i } of order) {
      const plan = w.agent.holds.plan;
      if (!plan || plan.day <= today) return i;
      let free = true;
      for (let day = today; day < plan.day && free; day++) free = this.plan.free(day) > 0;
      if (free) {
        this.plan.hold(today, plan.day - today);
        w.agent.holds.plan = { day: today, days: plan.days + (plan.day - today) };
        return i;
      }
      this.queue.at(plan.day * DAY_MS, () => this.grantLines());
    }
    return -1;
  }

  requestQc(agent: BatchAgent, granted: (since: number) => void): void {
    agent.holds.queued = 'qc';
    this.qcQueue.push({ agent, granted });
    this.grantQc();
  }

  releaseQc(agent: BatchAgent): void {
    if (!agent.holds.qc) return this.dequeue(agent);
    agent.holds.qc = false;
    this.busyQc--;
    this.grantQc();
  }

  private grantQc(): void {
    while (this.qcQueue.length > 0 && this.busyQc < this.config.qcCapacity) {
      const { agent, granted } = this.qcQueue.shift()!;
      this.busyQc++;
      agent.holds.queued = undefined;
      agent.holds.qc = true;
      const since = this.queue.now;
      this.queue.at(since, () => granted(since));
    }
  }

  /** Product goes to the storage unit holding the fewest products that is up. */
  store(agent: BatchAgent): void {
    const units = this.storage.filter((u) => !u.down);
    if (units.length === 0) return;
    const unit = units.reduce((a, b) => ((this.stored.get(a.id)?.size ?? 0) <= (this.stored.get(b.id)?.size ?? 0) ? a : b));
    if (!this.stored.has(unit.id)) this.stored.set(unit.id, new Set());
    this.stored.get(unit.id)!.add(agent);
    agent.holds.storage = unit.id;
  }

  unstore(agent: BatchAgent): void {
    if (agent.holds.storage) this.stored.get(agent.holds.storage)?.delete(agent);
    agent.holds.storage = undefined;
  }

  requestShipper(agent: BatchAgent, granted: (shipperId: string) => void): void {
    agent.holds.queued = 'shipper';
    this.shipperQueue.push({ agent, granted });
    this.grantShippers();
  }

  /** Delivered (or the batch is over): the shipper travels back and is free after its back-haul. */
  releaseShipper(agent: BatchAgent, backhaulDays: number): void {
    const id = agent.holds.shipper;
    if (!id) return this.dequeue(agent);
    agent.holds.shipper = undefined;
    this.queue.at(this.queue.now + backhaulDays * DAY_MS, () => {
      const unit = this.shippers.find((s) => s.id === id);
      if (unit) {
        this.usedBy.delete(unit.id);
        this.fleet.setInUse(unit, false);
      }
      this.grantShippers();
    });
  }

  grantShippers(): void {
    while (this.shipperQueue.length > 0) {
      const unit = this.shippers.find((s) => !s.down && !s.inUse);
      if (!unit) return;
      const { agent, granted } = this.shipperQueue.shift()!;
      this.usedBy.set(unit.id, agent);
      this.fleet.setInUse(unit, true);
      agent.holds.queued = undefined;
      agent.holds.shipper = unit.id;
      this.queue.at(this.queue.now, () => granted(unit.id));
    }
  }

  /** A batch that stops waiting (cancelled, failed) leaves whichever queue it was in. */
  private dequeue(agent: BatchAgent): void {
    for (const q of [this.lineQueue, this.qcQueue, this.shipperQueue] as Waiting<unknown>[][]) {
      const at = q.findIndex((w) => w.agent === agent);
      if (at >= 0) q.splice(at, 1);
    }
    if (agent.holds.queued) agent.holds.queued = undefined;
  }
}

export const overlap = (from: number, to: number, window: { from: number; to: number }) => Math.max(0, Math.min(to, window.to) - Math.max(from, window.from));
