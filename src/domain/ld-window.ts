import { iso } from './instant.js';
import { addDays, localDay, startOfDay, type LocalDate } from './calendar-day.js';
import type { ProductProfile } from './profile.js';

/**
 * Lymphodepleting (LD) chemotherapy is given as a course of `courseDays`, then the patient rests
 * `restDaysMin…restDaysMax` days before infusion (e.g. days −5…−3 for a 3-day course and 2 rest
 * days). All times are epoch milliseconds; `dayMs` is the length of a day after time compression
 * (DAY_MS / timeScale), so the demo and the tests run the same arithmetic as production.
 */
type LdRules = Pick<ProductProfile, 'ld' | 'maxDaysReceiptToInfusion'>;

export interface TimeWindow {
  earliest: number;
  latest: number;
}

export interface WindowInput {
  now: number;
  /** When the product reached the treatment centre; undefined while it is still on its way. */
  receivedAt?: number;
  profile: LdRules;
  dayMs: number;
}

/** The infusion dates that can still be booked. */
export function infusionWindow({ now, receivedAt, profile, dayMs }: WindowInput): TimeWindow {
  // LD cannot start in the past, so the earliest infusion is a whole course and the shortest rest away.
  const earliest = now + (profile.ld.courseDays + profile.ld.restDaysMin) * dayMs;
  // Before receipt the product's shelf life has not started: anchoring it at the earliest infusion
  // leaves a window of full length to book in; a booking made now should be checked again on receipt.
  const latestFrom = receivedAt ?? earliest;
  return { earliest, latest: latestFrom + profile.maxDaysReceiptToInfusion * dayMs };
}

/**
 * The last moment an infusion can still be booked for a product received at `receivedAt`: after
 * it, a whole LD course and the shortest rest from now end past the product's latest infusion
 * date, and `infusionWindow` answers an earliest after its latest.
 */
export function bookableUntil({ receivedAt, profile, dayMs }: Required<Pick<WindowInput, 'receivedAt'>> & Pick<WindowInput, 'profile' | 'dayMs'>): number {
  return receivedAt + (profile.maxDaysReceiptToInfusion - profile.ld.courseDays - profile.ld.restDaysMin) * dayMs;
}

/** The LD course for an infusion: it ends the shortest rest before infusion. */
export function ldCourseFor(infusionAt: number, profile: LdRules, dayMs: number): { ldStart: number; ldEnd: number } {
  const ldEnd = infusionAt - profile.ld.restDaysMin * dayMs;
  return { ldStart: ldEnd - profile.ld.courseDays * dayMs, ldEnd };
}

export type BookingCheck =
  | { ok: true; ldStart: number; ldEnd: number }
  | { ok: false; reason: string; earliest: number; latest: number };

/** Whether an infusion can be booked at `infusionAt`, and if so when LD runs. */
export function checkBooking(input: WindowInput & { infusionAt: number }): BookingCheck {
  const { infusionAt, now, receivedAt, profile, dayMs } = input;
  const { earliest, latest } = infusionWindow({ now, receivedAt, profile, dayMs });
  const course = ldCourseFor(infusionAt, profile, dayMs);
  const refuse = (reason: string): BookingCheck => ({ ok: false, reason, earliest, latest });

  if (earliest > latest) {
    return refuse(`No infusion can be booked: LD needs until ${iso(earliest)}, after the product's latest infusion date ${iso(latest)}.`);
  }
  if (infusionAt < earliest) {
    return refuse(
      `An infusion at ${iso(infusionAt)} would need LD to start at ${iso(course.ldStart)}, before now (${iso(now)}); the earliest infusion is ${iso(earliest)}.`,
    );
  }
  if (infusionAt > latest) {
    return refuse(
      `An infusion at ${iso(infusionAt)} is after the product's latest infusion date ${iso(latest)} (${profile.maxDaysReceiptToInfusion} days after receipt at the site).`,
    );
  }
  return { ok: true, ...course };
}

/**
 * The LD course for an infusion on a calendar day at the site, in whole local days: it ends on the
 * morning of the shortest rest before infusion and lasts `courseDays` (days −5…−3 for 3 + 2). Local
 * midnights, not 24-hour steps, so a course across a daylight-saving change starts at midnight too.
 */
export function ldCourseForDay(date: LocalDate, timeZone: string, profile: LdRules): { ldStart: number; ldEnd: number } {
  const ldEndDate = addDays(date, -profile.ld.restDaysMin);
  return { ldStart: startOfDay(addDays(ldEndDate, -profile.ld.courseDays), timeZone), ldEnd: startOfDay(ldEndDate, timeZone) };
}

/** A booking's calendar day resolved to instants (ISO 8601), as the workflow receives it. */
export function resolveBookingDay(date: LocalDate, timeZone: string, profile: LdRules) {
  const day = localDay(date, timeZone);
  const course = ldCourseForDay(date, timeZone, profile);
  return { date, timeZone, start: iso(day.start), end: iso(day.end), ldStart: iso(course.ldStart), ldEnd: iso(course.ldEnd) };
}
