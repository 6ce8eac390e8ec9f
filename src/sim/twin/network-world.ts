import { DAY_MS } from '../../domain/durations.js';
import type { ResourceUse } from '../records.js';
import type { Scenario } from '../scenario/scenario.js';
import type { BatchAgent } from './batch-agent.js';
import { SiteCalendar } from './calendar.js';
import { ChairBook } from './chair-book.js';
import { EquipmentFleet, type Unit } from './equipment-fleet.js';
import type { EventQueue } from './event-queue.js';
import { FacilityModel, overlap } from './facility.js';
import { simulatedDin } from './identifiers.js';
import { Lanes } from './lanes.js';
import { milestone } from './partners/commands.js';
import { planSensorIssue } from './partners/sensors.js';
import type { Random } from '../../domain/random.js';
import { sample } from './sample.js';
import type { World } from './world.js';
import { SlotChainDesk, type PlanFunction } from './slot-chains/desk.js';

const COLLECTION_HOUR = 8;
const INFUSION_HOUR = 10;
const ALL_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The whole network as the batches' partners see it: every resource contended, every unit wearing out. */
export class NetworkWorld implements World {
  readonly fleet: EquipmentFleet;
  readonly facilities = new Map<string, FacilityModel>();
  private readonly calendars = new Map<string, SiteCalendar>();
  private readonly apheresis = new Map<string, { book: ChairBook; index: number; sequence: number }>();
  private readonly infusion = new Map<string, ChairBook>();
  private readonly lanes: Lanes;
  private readonly onEnded: (agent: BatchAgent) => void;
  readonly chains?: SlotChainDesk;

  constructor(
    readonly scenario: Scenario,
    readonly queue: EventQueue,
    readonly seed: number,
    start: number,
    private readonly window: { from: number; to: number },
    onEnded: (agent: BatchAgent) => void,
    /** The planner a slot-chain scenario plans with (the greedy rule, or HiGHS loaded by the caller). */
    planner?: PlanFunction,
  ) {
    this.onEnded = onEnded;
    this.lanes = new Lanes(scenario, start);
    this.fleet = new EquipmentFleet(queue, scenario.equipment, seed, { down: (u, cause) => this.unitDown(u, cause), up: (u) => this.unitUp(u) });
    const { apheresisCentres, treatmentCentres, facilities } = scenario.network;
    apheresisCentres.forEach((c, index) => {
      const calendar = new SiteCalendar(c.timeZone, c.openDays);
      this.calendars.set(c.id, calendar);
      this.apheresis.set(c.id, { book: new ChairBook(calendar, c.chairs, COLLECTION_HOUR, false), index, sequence: 0 });
    });
    for (const t of treatmentCentres) {
      const calendar = new SiteCalendar(t.timeZone, ALL_DAYS);
      this.calendars.set(t.id, calendar);
      this.infusion.set(t.id, new ChairBook(calendar, t.infusionChairsPerDay, INFUSION_HOUR, true));
    }
    for (const f of facilities) {
      const model = new FacilityModel(f, scenario, queue, this.fleet, start, window, scenario.allocation?.mode === 'slot-chain');
      this.facilities.set(f.id, model);
      this.calendars.set(f.id, model.calendar);
    }
    if (scenario.allocation?.mode === 'slot-chain') {
      if (!planner) throw new Error('A slot-chain scenario needs a planner (simulate() passes the greedy rule unless told otherwise).');
      const collections = new Map([...this.apheresis].map(([id, a]) => [id, a.book]));
      this.chains = new SlotChainDesk({ queue, collections, infusions: this.infusion, facilities: this.facilities, typicalTransitMs: (a, b, f) => this.lanes.typicalMs(a, b, f) }, scenario.allocation, planner);
      // A line back from an outage is capacity released: the waitlist is planned again at once.
      for (const i of scenario.incidents) if (i.kind === 'line-outage') queue.at(start + (i.startDay + i.days) * DAY_MS, () => this.chains?.capacityReleased());
    }
  }

  calendar(siteId: string): SiteCalendar {
    const calendar = this.calendars.get(siteId);
    if (!calendar) throw new Error(`The scenario has no site ${siteId}.`);
    return calendar;
  }

  bookCollection(agent: BatchAgent, earliest: number): number {
    const booking = this.apheresis.get(agent.input.apheresisCenterId)!.book.book(earliest)!;
    return booking.at;
  }

  reserveLine(agent: BatchAgent, from: number, lineDays: number): number {
    const day = this.facility(agent).plan.reserve(from, lineDays);
    agent.holds.plan = { day, days: lineDays };
    return Math.max(from, day * DAY_MS);
  }

  releasePlan(agent: BatchAgent) {
    const plan = agent.holds.plan;
    if (plan) this.facility(agent).plan.release(plan.day, plan.days, Math.floor(this.queue.now / DAY_MS) + 1);
    agent.holds.plan = undefined;
    if (plan) this.chains?.capacityReleased();
  }

  typicalTransitMs(from: string, to: string, factor: number): number {
    return this.lanes.typicalMs(from, to, factor);
  }

  din(agent: BatchAgent, at: number): string {
    const centre = this.apheresis.get(agent.input.apheresisCenterId)!;
    return simulatedDin(centre.index, at, ++centre.sequence);
  }

  leg(agent: BatchAgent, from: string, to: string, factor: number, rng: Random) {
    return this.lanes.plan(from, to, factor, this.queue.now, rng);
  }

  requestLine(agent: BatchAgent, granted: (equipmentId: string | undefined) => void) {
    this.facility(agent).requestLine(agent, granted);
  }
  releaseLine(agent: BatchAgent) {
    this.facility(agent).releaseLine(agent);
  }
  requestQc(agent: BatchAgent, granted: (since: number) => void) {
    this.facility(agent).requestQc(agent, granted);
  }
  releaseQc(agent: BatchAgent) {
    this.facility(agent).releaseQc(agent);
  }
  store(agent: BatchAgent) {
    this.facility(agent).store(agent);
  }
  unstore(agent: BatchAgent) {
    this.facility(agent).unstore(agent);
  }
  requestShipper(agent: BatchAgent, granted: () => void) {
    this.facility(agent).requestShipper(agent, granted);
  }
  releaseShipper(agent: BatchAgent) {
    this.facility(agent).releaseShipper(agent, sample(this.scenario.equipment.shipperBackhaulDays, agent.rng));
  }

  bookInfusion(agent: BatchAgent, earliest: number, latest: number): number | undefined {
    const booking = this.infusion.get(agent.input.treatmentCenterId)!.book(earliest, latest);
    if (booking) agent.holds.chair = { siteId: agent.input.treatmentCenterId, day: booking.day };
    return booking?.at;
  }

  releaseInfusion(agent: BatchAgent) {
    const chair = agent.holds.chair;
    if (chair) this.infusion.get(chair.siteId)!.release(chair.day);
    agent.holds.chair = undefined;
  }

  releaseAll(agent: BatchAgent) {
    const facility = this.facility(agent);
    this.chains?.leave(agent);
    const collection = agent.holds.collection;
    if (collection) this.apheresis.get(collection.siteId)!.book.release(collection.day);
    agent.holds.collection = undefined;
    facility.releaseLine(agent);
    this.releasePlan(agent);
    facility.releaseQc(agent);
    facility.unstore(agent);
    if (agent.holds.shipper) this.releaseShipper(agent);
    // An infused patient used the chair; anyone else gives it back.
    if (agent.state.stage !== 'INFUSED' && agent.state.stage !== 'COMPLETED') this.releaseInfusion(agent);
  }

  ended(agent: BatchAgent) {
    this.onEnded(agent);
  }

  /** Lines, apheresis chairs and infusion chairs: used and offered over the KPI window. */
  resourceUse(now: number): ResourceUse[] {
    const days = (ms: number) => ms / DAY_MS;
    const lines = [...this.facilities.values()].map((f) => {
      const stillHeld = [...f.usedBy.values()].reduce((ms, a) => ms + (a.holds.line ? overlap(a.holds.line.since, now, this.window) : 0), 0);
      return { siteId: f.config.id, resource: 'line' as const, usedDays: days(f.lineBusyMs + stillHeld), offeredDays: days(f.lineCapacityMs()) };
    });
    const chairs = (resource: 'apheresis-chair' | 'infusion-chair', id: string, book: ChairBook) => {
      const { used, offered } = book.usage(book.calendar.day(this.window.from), book.calendar.day(this.window.to));
      return { siteId: id, resource, usedDays: used, offeredDays: offered };
    };
    return [
      ...lines,
      ...[...this.apheresis].map(([id, a]) => chairs('apheresis-chair', id, a.book)),
      ...[...this.infusion].map(([id, book]) => chairs('infusion-chair', id, book)),
    ];
  }

  private facility(agent: BatchAgent): FacilityModel {
    return this.facilities.get(agent.input.facilityId)!;
  }

  /** What a unit's failure does to what it holds: a batch on a failed bioreactor may be lost; stored or shipped product has an excursion. */
  private unitDown(unit: Unit, cause: 'failure' | 'service') {
    const facility = this.facilities.get(unit.siteId)!;
    if (cause !== 'failure') return;
    const loss = this.scenario.equipment[unit.kind].lossProbability;
    const now = this.queue.now;
    if (unit.kind === 'bioreactor') {
      const agent = facility.usedBy.get(unit.id);
      if (agent?.holds.line?.equipmentId === unit.id && unit.rng.chance(loss)) {
        milestone(agent, 'manufacturing-failed', `${unit.id} failure`, { reason: 'bioreactor failure during the run' });
        agent.step();
      }
    } else if (unit.kind === 'dry_shipper') {
      const agent = facility.usedBy.get(unit.id);
      const arrival = agent?.plan.get(`arrival:return:${agent.attempt}`);
      if (agent && agent.holds.shipper === unit.id && arrival !== undefined && arrival > now && unit.rng.chance(loss)) {
        planSensorIssue(agent, 'excursion', unit.id, now, now, 'temperature_c', arrival - now);
      }
    } else {
      for (const agent of facility.stored.get(unit.id) ?? []) {
        if (unit.rng.chance(loss)) planSensorIssue(agent, 'excursion', unit.id, now, now, 'temperature_c', sample(this.scenario.equipment.storageTransferHours, unit.rng) * 3_600_000);
      }
    }
  }

  private unitUp(unit: Unit) {
    const facility = this.facilities.get(unit.siteId)!;
    if (unit.kind === 'bioreactor') facility.grantLines();
    if (unit.kind === 'dry_shipper') facility.grantShippers();
  }
}
