import type { V2vApiClient } from '../api/client/index.js';
import { batchClock } from '../domain/batch/index.js';
import { infusionWindow, ldCourseFor } from '../domain/ld-window.js';
import type { ProductProfile } from '../domain/profile.js';
import { earliestSafeInfusion } from '../domain/safe-infusion.js';
import type { Incident } from './incidents.js';
import type { BatchDetail } from './v2v-api.js';

type BookingAtRisk = Extract<Incident, { kind: 'booking-at-risk' }>;

/** A day of slack before LD, so the first forecast after booking does not flag a booking made right on P90. */
const SLACK_DAYS = 1;

/**
 * The scripted booking put at risk by a slipping forecast. The treatment centre's scheduler books the
 * infusion as soon as QA releases the product, with LD starting a day after the forecast's P90 of
 * infusion-ready; then the courier's return pickup comes `slipDays` late, and no earlier than the LD
 * start. The forecast made at the pickup moves P90 past the LD start: V2V flags the booking at risk and alerts the scheduler, who
 * moves it to the proposed safe day half a day later (the flag clears). Everything through the API.
 */
export class SlippingBooking {
  private booked = false;
  private tries = 0;
  private flaggedAt: number | undefined;
  private moved = false;

  constructor(
    private readonly o: {
      incident: BookingAtRisk;
      scheduler: V2vApiClient;
      profile: ProductProfile;
      timeScale: number;
      onIncident: (detail: string) => void;
    },
  ) {}

  /** The booked LD start (epoch ms), once booked. */
  private ldStart: number | undefined;

  /**
   * When the courier picks up: `slipDays` later than the pace says (`paced`), and never before the
   * booked LD start, so the product cannot be at the site by then whatever the forecast first said.
   */
  pickupAt(paced: number): number {
    return Math.max(paced + this.o.incident.slipDays * batchClock(this.o).dayMs, this.ldStart ?? 0);
  }

  /** Books on release, and moves the booking once V2V has flagged it. */
  async follow(detail: BatchDetail): Promise<void> {
    if (detail.attempt !== 1) return;
    if (!this.booked && detail.stage === 'RELEASED') await this.bookEarly(detail);
    const forecast = detail.forecast;
    if (!this.moved && forecast?.atRisk && forecast.safeFrom) {
      if (this.flaggedAt === undefined) {
        this.flaggedAt = Date.now();
        this.o.onIncident(`the forecast slipped: P90 of infusion-ready ${forecast.infusionReady?.p90.slice(0, 16)} is after the booking's LD start; V2V proposes ${forecast.safeFrom.slice(0, 16)}`);
      }
      // The scheduler reacts to the alert after half a day of the batch's clock, so the flag can be seen.
      if (Date.now() - this.flaggedAt >= batchClock(this.o).dayMs / 2) await this.move(detail, Date.parse(forecast.safeFrom));
    }
  }

  private async bookEarly(detail: BatchDetail): Promise<void> {
    const { dayMs } = batchClock(this.o);
    // P90 of infusion-ready from the release's forecast; without one, the return leg's whole stability window.
    const readyP90 = detail.forecast?.infusionReady ? Date.parse(detail.forecast.infusionReady.p90) : Date.now() + (this.o.profile.legs.return.stabilityHours / 24) * dayMs;
    const infusionAt = this.bookable(earliestSafeInfusion(readyP90, this.o.profile, dayMs) + SLACK_DAYS * dayMs);
    const { response, error } = await this.book(detail, infusionAt);
    // On a fast clock the window can move past a date while the request travels: try again on the next read.
    if (!response.ok && ++this.tries < 3) return;
    this.booked = true;
    if (response.ok) this.ldStart = ldCourseFor(infusionAt, this.o.profile, dayMs).ldStart;
    this.o.onIncident(
      response.ok
        ? `booked on release for ${new Date(infusionAt).toISOString().slice(0, 16)}; the return pickup will come ${this.o.incident.slipDays} d late`
        : `could not book on release (${response.status}: ${JSON.stringify(error)}); the scheduler books on receipt instead`,
    );
  }

  private async move(detail: BatchDetail, safeFrom: number): Promise<void> {
    this.moved = true;
    const infusionAt = this.bookable(safeFrom);
    const { response, error } = await this.book(detail, infusionAt);
    // The batch may have reached the site meanwhile (nothing is at risk then): no move needed.
    this.o.onIncident(response.ok ? `the scheduler moved the booking to ${new Date(infusionAt).toISOString().slice(0, 16)}` : `the booking was not moved (${response.status}: ${JSON.stringify(error)})`);
  }

  /** The date, or the earliest the window allows a day from now (the request takes a moment on a day-a-second clock). */
  private bookable(infusionAt: number): number {
    const { dayMs } = batchClock(this.o);
    const window = infusionWindow({ now: Date.now() + dayMs, profile: this.o.profile, dayMs });
    return Math.min(Math.max(infusionAt, window.earliest), window.latest);
  }

  private book(detail: BatchDetail, infusionAt: number) {
    return this.o.scheduler.POST('/v1/batches/{id}/infusion-booking', { params: { path: { id: detail.batchId } }, body: { infusionDate: new Date(infusionAt).toISOString() } });
  }
}
