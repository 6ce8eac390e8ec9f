import { MINUTE_MS, HOUR_MS, DAY_MS } from './durations.js';

/**
 * Calendar days at a site, in its IANA time zone: a booking is "14 March at the treatment centre",
 * and that day runs from local midnight to the next local midnight (23 or 25 hours on a
 * daylight-saving change). Only the runtime's own time-zone data (Intl) is used, no date library.
 * The simulation's per-day offset table (src/sim/twin/zone-offsets.ts) takes the offset at noon,
 * which puts a day's edge an hour off on a change; a booking needs the exact instant, so this asks
 * Intl at the instant itself. Call it at the edge (API, activities), never inside a workflow, so a
 * replay never depends on the worker's time-zone database.
 */

/** A calendar date as `YYYY-MM-DD`. */
export type LocalDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows `timeZone` as an IANA zone (e.g. `Europe/Paris`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatIn(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The UTC midnight of a date, or undefined when it is not a real `YYYY-MM-DD` date (2027-02-30 is not). */
function utcMidnight(date: LocalDate): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Not Date.UTC: it reads the years 0–99 as 1900–1999, so 0045-08-05 would fail the check below.
  const back = new Date(0);
  const ms = back.setUTCFullYear(y, mo - 1, d);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : undefined;
}

export const isLocalDate = (date: string): boolean => utcMidnight(date) !== undefined;

function requireDate(date: LocalDate): number {
  const ms = utcMidnight(date);
  if (ms === undefined) throw new RangeError(`"${date}" is not a calendar date (YYYY-MM-DD).`);
  return ms;
}

/** The date `days` after (or before, if negative) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(requireDate(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: LocalDate, to: LocalDate): number => Math.round((requireDate(to) - requireDate(from)) / DAY_MS);

/** Wall-clock time in the zone, read as if it were UTC (so subtracting the instant gives the offset). */
function wallClock(instant: number, timeZone: string): number {
  const p = Object.fromEntries(formatIn(timeZone).formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]));
  const wall = new Date(0);
  wall.setUTCFullYear(p.year!, p.month! - 1, p.day!);
  return wall.setUTCHours(p.hour!, p.minute!, p.second!);
}

/** Local time minus UTC at an instant, in milliseconds (+1 h in Paris in winter, +2 h in summer). */
export const zoneOffsetAt = (instant: number, timeZone: string): number => wallClock(Math.floor(instant / 1000) * 1000, timeZone) - Math.floor(instant / 1000) * 1000;

/** The date at the site at an instant. */
export const localDateOf = (instant: number, timeZone: string): LocalDate => new Date(wallClock(instant, timeZone)).toISOString().slice(0, 10);

/**
 * The first instant of `date` in the zone: local midnight, or, where a change skips midnight itself
 * (clocks jump from 00:00 to 01:00 in some zones), the first minute that exists that day.
 */
export function startOfDay(date: LocalDate, timeZone: string): number {
  const midnight = requireDate(date);
  // The offset either side of the day: one of them holds at its midnight unless a change skips it.
  const candidates = [midnight - zoneOffsetAt(midnight - DAY_MS, timeZone), midnight - zoneOffsetAt(midnight + DAY_MS, timeZone)]
    .map((t) => midnight - zoneOffsetAt(t, timeZone))
    .filter((t) => wallClock(t, timeZone) === midnight);
  if (candidates.length > 0) return Math.min(...candidates);
  // Midnight does not exist: search the minute the day begins, between 12 h before and after UTC's.
  let [lo, hi] = [midnight - 14 * HOUR_MS, midnight + 14 * HOUR_MS];
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (localDateOf(mid, timeZone) < date) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface LocalDay {
  date: LocalDate;
  timeZone: string;
  /** Local midnight, epoch ms. */
  start: number;
  /** The next local midnight (the day is [start, end)): 23 or 25 hours on a change. */
  end: number;
}

export function localDay(date: LocalDate, timeZone: string): LocalDay {
  return { date, timeZone, start: startOfDay(date, timeZone), end: startOfDay(addDays(date, 1), timeZone) };
}

/** Every date from `from` to `to`, both included. */
export function datesFrom(from: LocalDate, to: LocalDate): LocalDate[] {
  const n = daysBetween(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addDays(from, i));
}
