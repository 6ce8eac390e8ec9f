import { REAL_CLOCK, type PlanClock } from '../../domain/batch/journey.js';
import { localDateOf, localDay, type LocalDate } from '../../domain/calendar-day.js';
import type { PlanningCapacity } from '../../domain/planning/problem.js';
import { exceptionRows, heldChairs, heldCollections, heldLines, maintenanceLines, plannedInfusions, siteRows, type SiteRow } from './capacity-rows.js';
import type { Db } from './db.js';
import { chairCapacity, collectionSlots, usableLines } from './day-capacity.js';
import { dateOfDay, lastDate, type PlanCalendar } from './plan-calendar.js';

/**
 * Capacity as data: the free collections, lines and chairs of the named sites on each plan day,
 * read from the database (standing capacity on `sites`, `capacity_exceptions`, what is already
 * booked, open maintenance tickets). Each site's days are its own local calendar days; day 0 is the
 * earliest "today" among them, and a day already past at a site has nothing free there.
 */
export interface CapacityRequest {
  /** Now, as epoch milliseconds or a Date. */
  from: number | Date;
  horizonDays: number;
  /** Sites of any kind: apheresis centres, facilities, treatment centres (others are ignored). */
  sites: readonly string[];
  /** The calendar the days are read in (a compressed clock's simulated days); the real one by default. */
  clock?: PlanClock | undefined;
}

export interface LoadedCapacity {
  capacity: PlanningCapacity;
  calendar: PlanCalendar;
  sites: SiteRow[];
}

export const MAX_HORIZON_DAYS = 366;

export async function loadPlanningCapacity(db: Db, request: CapacityRequest): Promise<LoadedCapacity> {
  const now = typeof request.from === 'number' ? request.from : request.from.getTime();
  if (!Number.isInteger(request.horizonDays) || request.horizonDays < 1 || request.horizonDays > MAX_HORIZON_DAYS) {
    throw new RangeError(`horizonDays must be a whole number from 1 to ${MAX_HORIZON_DAYS} (got ${request.horizonDays}).`);
  }
  const clock = request.clock ?? REAL_CLOCK;
  // Days are simulated dates; rows hold real instants, so a day's edges are mapped to real time to meet them.
  const realDay = (date: LocalDate, timeZone: string) => {
    const day = localDay(date, timeZone);
    return { start: clock.realAt(day.start), end: clock.realAt(day.end) };
  };
  const today = clock.simulatedAt(now);
  const rows = await siteRows(db, [...new Set(request.sites)]);
  const todayOf = new Map(rows.map((s) => [s.id, localDateOf(today, s.timezone)]));
  const startDate = [...todayOf.values()].sort()[0] ?? localDateOf(today, 'UTC');
  const calendar: PlanCalendar = { startDate, horizonDays: request.horizonDays };
  const dates = Array.from({ length: request.horizonDays }, (_, d) => dateOfDay(calendar, d));
  const end = lastDate(calendar);
  const ofKind = (kind: string) => rows.filter((s) => s.kind === kind);
  const [apheresis, facilities, centres] = [ofKind('apheresis_center'), ofKind('manufacturing_facility'), ofKind('treatment_center')];

  // Instants wide enough to cover every zone's version of the span (zones lie within ±14 h of UTC).
  const spanFrom = clock.realAt(Date.parse(`${startDate}T00:00:00Z`) - 86_400_000);
  const spanTo = clock.realAt(Date.parse(`${end}T00:00:00Z`) + 2 * 86_400_000);
  // One after the other: inside a transaction every query shares one connection.
  const exceptions = await exceptionRows(db, rows.map((s) => s.id), startDate, end);
  const maintenance = await maintenanceLines(db, facilities.map((s) => s.id));
  const collections = await heldCollections(db, apheresis.map((s) => s.id), startDate, end);
  const lines = await heldLines(db, facilities.map((s) => s.id), spanFrom, spanTo);
  const chairs = await heldChairs(db, centres.map((s) => s.id), spanFrom, spanTo);
  const planned = await plannedInfusions(db, centres.map((s) => s.id), startDate, end);
  const exceptionsOf = (site: SiteRow) => exceptions.get(site.id) ?? [];
  /** Nothing is free on a day that has already ended at the site. */
  const perDay = (site: SiteRow, free: (date: LocalDate) => number) => dates.map((date) => (date < todayOf.get(site.id)! ? 0 : Math.max(0, free(date))));

  const capacity: PlanningCapacity = { horizonDays: request.horizonDays, collections: {}, lines: {}, chairs: {} };
  for (const site of apheresis) {
    capacity.collections[site.id] = perDay(site, (date) => {
      const taken = new Set(collections.filter((c) => c.siteId === site.id && c.day === date).map((c) => c.slot));
      return collectionSlots(site, date, exceptionsOf(site)).filter((slot) => !taken.has(slot)).length;
    });
  }
  for (const site of facilities) {
    capacity.lines[site.id] = perDay(site, (date) => {
      const { start, end: dayEnd } = realDay(date, site.timezone);
      const held = new Set(lines.filter((l) => l.siteId === site.id && l.from < dayEnd && l.to > start).map((l) => l.line));
      return usableLines(site, date, exceptionsOf(site), maintenance.get(site.id) ?? new Set()).filter((line) => !held.has(line)).length;
    });
  }
  for (const site of centres) {
    capacity.chairs[site.id] = perDay(site, (date) => {
      const { start, end: dayEnd } = realDay(date, site.timezone);
      const booked = new Set(chairs.filter((c) => c.siteId === site.id && c.from < dayEnd && c.to > start).map((c) => c.chair)).size;
      const plannedThatDay = planned.filter((p) => p.siteId === site.id && p.day === date).length;
      return chairCapacity(site, date, exceptionsOf(site)) - booked - plannedThatDay;
    });
  }
  return { capacity, calendar, sites: rows };
}
