import type { Scenario } from '../scenario/scenario.js';
import { WEEKDAYS } from '../scenario/network.js';
import type { BatchAgent } from './batch-agent.js';
import { SiteCalendar } from './calendar.js';
import { ChairBook } from './chair-book.js';
import type { EventQueue } from './event-queue.js';
import { simulatedDin } from './identifiers.js';
import { Lanes } from './lanes.js';
import type { Random } from '../../domain/random.js';
import type { World } from './world.js';

const WORKING_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/**
 * The network as one batch alone sees it: sites keep their calendars and lanes their transit
 * times, but nothing is contended (no queue for a line, the QC lab, a shipper or a chair) and no
 * equipment fails. Forecast by simulation runs here: the process's own variability, without the
 * other patients. A site the scenario does not know gets UTC and working days Monday to Friday.
 */
export class SoloWorld implements World {
  private readonly lanes: Lanes;
  private readonly calendars = new Map<string, SiteCalendar>();

  constructor(
    readonly scenario: Scenario,
    readonly queue: EventQueue,
    readonly seed: number,
  ) {
    this.lanes = new Lanes(scenario, queue.now);
    const { apheresisCentres, treatmentCentres, facilities } = scenario.network;
    for (const c of apheresisCentres) this.calendars.set(c.id, new SiteCalendar(c.timeZone, c.openDays));
    for (const t of treatmentCentres) this.calendars.set(t.id, new SiteCalendar(t.timeZone, WEEKDAYS));
    for (const f of facilities) this.calendars.set(f.id, new SiteCalendar(f.timeZone, f.workingDays));
  }

  calendar(siteId: string): SiteCalendar {
    let calendar = this.calendars.get(siteId);
    if (!calendar) this.calendars.set(siteId, (calendar = new SiteCalendar('UTC', WORKING_DAYS)));
    return calendar;
  }

  bookCollection(agent: BatchAgent, earliest: number): number {
    return new ChairBook(this.calendar(agent.input.apheresisCenterId), 1, 8, false).book(earliest)!.at;
  }

  reserveLine(_agent: BatchAgent, from: number): number {
    return from;
  }

  releasePlan(): void {}

  typicalTransitMs(from: string, to: string, factor: number): number {
    return this.lanes.typicalMs(from, to, factor);
  }

  din(agent: BatchAgent, at: number): string {
    return simulatedDin(0, at, agent.rng.nextUint32() % 1_000_000);
  }

  leg(_agent: BatchAgent, from: string, to: string, factor: number, rng: Random) {
    return this.lanes.plan(from, to, factor, this.queue.now, rng);
  }

  requestLine(agent: BatchAgent, granted: (equipmentId: string | undefined) => void): void {
    const equipmentId = agent.state.manufacturing.equipmentId;
    agent.holds.line = { equipmentId, since: this.queue.now };
    this.queue.at(this.queue.now, () => granted(equipmentId));
  }

  releaseLine(agent: BatchAgent): void {
    agent.holds.line = undefined;
  }

  /** QC began when the batch entered it (a batch picked up in QC has been tested since then). */
  requestQc(agent: BatchAgent, granted: (since: number) => void): void {
    agent.holds.qc = true;
    const since = Math.min(agent.lastAt, this.queue.now);
    this.queue.at(this.queue.now, () => granted(since));
  }

  releaseQc(agent: BatchAgent): void {
    agent.holds.qc = false;
  }

  store(): void {}
  unstore(): void {}

  requestShipper(agent: BatchAgent, granted: () => void): void {
    agent.holds.shipper = `${agent.input.facilityId}-dry-shipper`;
    this.queue.at(this.queue.now, granted);
  }

  releaseShipper(agent: BatchAgent): void {
    agent.holds.shipper = undefined;
  }

  bookInfusion(agent: BatchAgent, earliest: number, latest: number): number | undefined {
    return new ChairBook(this.calendar(agent.input.treatmentCenterId), 1, 10, true).book(earliest, latest)?.at;
  }

  releaseInfusion(): void {}

  releaseAll(agent: BatchAgent): void {
    Object.assign(agent.holds, { line: undefined, qc: false, shipper: undefined, queued: undefined });
  }

  ended(): void {}
}
