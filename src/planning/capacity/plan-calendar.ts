import { addDays, daysBetween, type LocalDate } from '../../domain/calendar-day.js';
import { planClock, type PlanClock } from '../../domain/batch/journey.js';
import type { ChainAssignment } from '../../domain/planning/problem.js';

/**
 * Plan days as calendar dates. Day d is the same calendar date at every site, read in each site's
 * own zone (a collection "on 14 March" is 14 March at the apheresis centre, a line window starts at
 * the facility's local midnight). Day 0 is the earliest "today" among the sites planned, so a site
 * already past that date (a zone ahead of the others) simply has no capacity on day 0.
 */
export interface PlanCalendar {
  startDate: LocalDate;
  horizonDays: number;
}

export const dateOfDay = (calendar: PlanCalendar, day: number): LocalDate => addDays(calendar.startDate, day);
export const dayOfDate = (calendar: PlanCalendar, date: LocalDate): number => daysBetween(calendar.startDate, date);
export const lastDate = (calendar: PlanCalendar): LocalDate => dateOfDay(calendar, calendar.horizonDays - 1);

/** A slot chain in local dates: what is stored in slot_chains and shown to people. */
export interface DatedChain {
  collectionDay: LocalDate;
  facilityId: string;
  /** The line is held from lineStartDay's local midnight to lineEndDay's (lineEndDay excluded). */
  lineStartDay: LocalDate;
  lineEndDay: LocalDate;
  infusionDay: LocalDate;
}

export function datedChain(calendar: PlanCalendar, chain: Omit<ChainAssignment, 'orderId'>): DatedChain {
  return {
    collectionDay: dateOfDay(calendar, chain.collectionDay),
    facilityId: chain.facilityId,
    lineStartDay: dateOfDay(calendar, chain.lineStartDay),
    lineEndDay: dateOfDay(calendar, chain.lineEndDay),
    infusionDay: dateOfDay(calendar, chain.infusionDay),
  };
}

/** The calendar an installation plans chains in (V2V_TIME_SCALE, V2V_CLOCK_ORIGIN), or undefined: no chains on its clock. */
export function installationClock(config: { V2V_TIME_SCALE: number; V2V_CLOCK_ORIGIN?: string | undefined }, timeScale = config.V2V_TIME_SCALE): PlanClock | undefined {
  return planClock(timeScale, config.V2V_CLOCK_ORIGIN === undefined ? undefined : Date.parse(config.V2V_CLOCK_ORIGIN));
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The weekday of a calendar date (`mon`…), as sites.collection_days names them. */
export const weekdayOf = (date: LocalDate): Weekday => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
