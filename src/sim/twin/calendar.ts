import { HOUR_MS, DAY_MS } from '../../domain/durations.js';
import { WEEKDAYS, type Weekday } from '../scenario/network.js';
import { zoneOffsets } from './zone-offsets.js';

/**
 * A site's calendar: its time zone and the days it works. Days are numbered as local calendar
 * days since 1970-01-01, so "the next opening day" and "two working days later" are plain
 * arithmetic once the zone's offset is known (zone-offsets.ts).
 */
export class SiteCalendar {
  private readonly open: boolean[];
  private readonly offsets: ReturnType<typeof zoneOffsets>;
  private lastKey = NaN;
  private lastOffset = 0;

  constructor(
    readonly timeZone: string,
    days: readonly Weekday[],
  ) {
    this.open = WEEKDAYS.map((d) => days.includes(d));
    this.offsets = zoneOffsets(timeZone);
  }

  /** Local time minus UTC at `ms`, in milliseconds. */
  offset(ms: number): number {
    const key = Math.floor(ms / DAY_MS);
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastOffset = this.offsets.of(key);
    }
    return this.lastOffset;
  }

  /** The local calendar day `ms` falls on. */
  day(ms: number): number {
    return Math.floor((ms + this.offset(ms)) / DAY_MS);
  }

  /** The instant of `hour` o'clock (local) on local day `day`. */
  at(day: number, hour: number): number {
    const guess = day * DAY_MS + hour * HOUR_MS;
    return guess - this.offset(guess - this.offset(guess));
  }

  /** 1970-01-01 was a Thursday. */
  isOpen(day: number): boolean {
    return this.open[(((day + 4) % 7) + 7) % 7]!;
  }

  /** `days` working days after `ms` (fractions too): time on closed days does not count. */
  addWorkingDays(ms: number, days: number): number {
    let t = ms;
    let left = days * DAY_MS;
    for (let guard = 0; guard < 10_000; guard++) {
      const day = this.day(t);
      // Around a DST change the cached offsets can put local midnight a moment behind: step an hour.
      const endOfDay = Math.max(this.at(day + 1, 0), t + HOUR_MS);
      if (this.isOpen(day)) {
        if (left <= endOfDay - t) return t + left;
        left -= endOfDay - t;
      }
      t = endOfDay;
    }
    throw new Error(`${this.timeZone}: no working day found (a calendar with no open day?)`);
  }
}
