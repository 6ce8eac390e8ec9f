import type { SiteCalendar } from './calendar.js';

/**
 * Chairs booked by day at one site: apheresis chairs (one collection per chair per opening day)
 * or infusion chairs (infusions per day). A booking takes the first day with a free chair whose
 * appointment hour is not before `earliest`.
 */
export class ChairBook {
  private readonly booked = new Map<number, number>();

  constructor(
    readonly calendar: SiteCalendar,
    readonly chairsPerDay: number,
    /** Local hour of the appointment. */
    private readonly hour: number,
    /** Whether the site books on its closed days too (infusions: every day). */
    private readonly everyDay: boolean,
  ) {}

  /** Books a chair; returns the appointment instant and its local day, or undefined if none before `latest`. */
  book(earliest: number, latest = Infinity): { at: number; day: number } | undefined {
    let day = this.calendar.day(earliest);
    if (this.calendar.at(day, this.hour) < earliest) day++;
    const lastDay = Number.isFinite(latest) ? this.calendar.day(latest) : day + 3650;
    for (; day <= lastDay; day++) {
      if (!this.everyDay && !this.calendar.isOpen(day)) continue;
      const used = this.booked.get(day) ?? 0;
      if (used >= this.chairsPerDay) continue;
      const at = this.calendar.at(day, this.hour);
      if (at > latest) return undefined;
      this.booked.set(day, used + 1);
      return { at, day };
    }
    return undefined;
  }

  /** Chairs still free on a local day (none on a closed day unless the site books every day). */
  freeOn(day: number): number {
    if (!this.everyDay && !this.calendar.isOpen(day)) return 0;
    return Math.max(0, this.chairsPerDay - (this.booked.get(day) ?? 0));
  }

  /** Books a chair on a given local day (a planned chain's); returns the appointment instant, or undefined if the day is full. */
  take(day: number): number | undefined {
    if (this.freeOn(day) <= 0) return undefined;
    this.booked.set(day, (this.booked.get(day) ?? 0) + 1);
    return this.calendar.at(day, this.hour);
  }

  release(day: number): void {
    const used = this.booked.get(day) ?? 0;
    if (used > 0) this.booked.set(day, used - 1);
  }

  /** Chair-days used and offered between two local days (inclusive, exclusive). */
  usage(fromDay: number, toDay: number): { used: number; offered: number } {
    let used = 0;
    let offered = 0;
    for (let day = fromDay; day < toDay; day++) {
      if (!this.everyDay && !this.calendar.isOpen(day)) continue;
      offered += this.chairsPerDay;
      used += this.booked.get(day) ?? 0;
    }
    return { used, offered };
  }
}
