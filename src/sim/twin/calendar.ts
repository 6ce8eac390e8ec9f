import { DAY_MS, HOUR_MS } from '../../domain/profile.js';
import { WEEKDAYS, type Weekday } from '../scenario/network.js';

/**
 * A site's calendar: its time zone and the days it works. Days are numbered as local calendar
 * days since 1970-01-01, so "the next opening day" and "two working days later" are plain
 * arithmetic once the zone's offset is known (looked up once per UTC day and zone).
 */
export class SiteCalendar {
  private readonly open: boolean[];
  /** Offsets by UTC day, from `firstKey` on (NaN: not looked up yet). */
  private offsets: Float64Array = new Float64Array(0);
  private firstKey = 0;
  private readonly format: Intl.DateTimeFormat;
  private lastKey = NaN;
  private lastOffset = 0;

  constructor(
    readonly timeZone: string,
    days: readonly Weekday[],
  ) {
    this.open = WEEKDAYS.map((d) => days.includes(d));
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Local time minus UTC at `ms`, in milliseconds (e.g. +1 h in Berlin in winter). */
  offset(ms: number): number {
    const key = Math.floor(ms / DAY_MS);
    if (key === this.lastKey) return this.lastOffset;
    let i = key - this.firstKey;
    if (i < 0 || i >= this.offsets.length) i = this.grow(key);
    let offset = this.offsets[i]!;
    if (Number.isNaN(offset)) {
      const probe = key * DAY_MS + 12 * HOUR_MS;
      const p = Object.fromEntries(this.format.formatToParts(new Date(probe)).map((x) => [x.type, Number(x.value)]));
      offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - probe;
      this.offsets[i] = offset;
    }
    this.lastKey = key;
    this.lastOffset = offset;
    return offset;
  }

  /** Makes room for `key` (a few years around it at a time); returns its index. */
  private grow(key: number): number {
    const from = Math.min(key, this.offsets.length > 0 ? this.firstKey : key) - 366;
    const to = Math.max(key, this.offsets.length > 0 ? this.firstKey + this.offsets.length : key) + 3 * 366;
    const next = new Float64Array(to - from).fill(NaN);
    next.set(this.offsets, this.offsets.length > 0 ? this.firstKey - from : 0);
    this.offsets = next;
    this.firstKey = from;
    return key - from;
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

  /** The first day the site works on or after `day`. */
  nextOpenDay(day: number): number {
    let d = day;
    while (!this.isOpen(d)) d++;
    return d;
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
