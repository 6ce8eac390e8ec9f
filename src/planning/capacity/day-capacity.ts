import type { LocalDate } from '../../domain/calendar-day.js';
import type { CapacityResource } from '../../db/schema/capacity.js';
import { weekdayOf } from './plan-calendar.js';

/**
 * What a site can do on one local day, from its standing capacity and its exceptions. Capacity is
 * a list of named units (`slot-1…`, `line-1…`, `chair-1…`), not only a count, so the same names the
 * database's unique and exclusion constraints decide races on are the ones the planner counts.
 */
export interface ExceptionRow {
  resource: CapacityResource;
  line: string | null;
  fromDay: LocalDate;
  toDay: LocalDate;
  capacity: number;
  createdAt: Date;
}

export interface SiteCapacityRow {
  id: string;
  timezone: string;
  collectionsPerDay: number;
  collectionDays: readonly string[];
  manufacturingLines: number;
  infusionChairs: number;
}

const named = (prefix: string, n: number) => Array.from({ length: Math.max(0, n) }, (_, i) => `${prefix}-${i + 1}`);
const covers = (e: ExceptionRow, date: LocalDate) => e.fromDay <= date && date <= e.toDay;

/** The exception that decides a resource's capacity on a day: the one set last, when several overlap. */
function overriding(exceptions: readonly ExceptionRow[], resource: CapacityResource, date: LocalDate): ExceptionRow | undefined {
  return exceptions
    .filter((e) => e.resource === resource && e.line === null && covers(e, date))
    .reduce<ExceptionRow | undefined>((last, e) => (!last || e.createdAt >= last.createdAt ? e : last), undefined);
}

/** Collection slots open on a day: collections_per_day on the centre's weekdays, unless an exception says otherwise. */
export function collectionSlots(site: SiteCapacityRow, date: LocalDate, exceptions: readonly ExceptionRow[]): string[] {
  const standing = site.collectionDays.includes(weekdayOf(date)) ? site.collectionsPerDay : 0;
  return named('slot', overriding(exceptions, 'collection', date)?.capacity ?? standing);
}

/**
 * Lines that may take a batch on a day: the facility's lines (or as many as a facility-wide
 * exception allows), less lines an exception closes and lines whose bioreactor is under maintenance.
 */
export function usableLines(site: SiteCapacityRow, date: LocalDate, exceptions: readonly ExceptionRow[], underMaintenance: ReadonlySet<string>): string[] {
  const lines = named('line', overriding(exceptions, 'line', date)?.capacity ?? site.manufacturingLines);
  const closed = new Set(exceptions.filter((e) => e.resource === 'line' && e.line !== null && e.capacity === 0 && covers(e, date)).map((e) => e.line));
  return lines.filter((line) => !closed.has(line) && !underMaintenance.has(line));
}

/** Why a line takes nothing on a day, or null when it may (a held line is judged by its slot, not here). */
export function lineBlock(site: SiteCapacityRow, line: string, date: LocalDate, exceptions: readonly ExceptionRow[], underMaintenance: ReadonlySet<string>): 'blocked-maintenance' | 'blocked-exception' | null {
  if (underMaintenance.has(line)) return 'blocked-maintenance';
  return usableLines(site, date, exceptions, new Set()).includes(line) ? null : 'blocked-exception';
}

/** Chairs at a treatment centre on a day: its chairs, unless an exception says otherwise. */
export function chairCapacity(site: SiteCapacityRow, date: LocalDate, exceptions: readonly ExceptionRow[]): number {
  return overriding(exceptions, 'chair', date)?.capacity ?? site.infusionChairs;
}
