import { addDays, localDateOf, type LocalDate } from './calendar-day.js';
import { ldCourseFor, ldCourseForDay } from './ld-window.js';

type LdRules = Parameters<typeof ldCourseFor>[1];

/**
 * The earliest infusion day whose LD course starts at or after `readyP90` (epoch ms): a patient
 * should not begin lymphodepletion before the product is, at the 90th percentile, at the site. The
 * infusion is put on a whole day of the batch's clock (`dayMs` = DAY_MS / timeScale, counted from the
 * epoch), so on a real clock the proposal is a UTC calendar day, the form a booking takes.
 */
export function earliestSafeInfusion(readyP90: number, profile: LdRules, dayMs: number): number {
  // ldCourseFor: LD starts a course and the shortest rest before infusion; invert that lead time.
  const leadMs = -ldCourseFor(0, profile, dayMs).ldStart;
  return Math.ceil((readyP90 + leadMs) / dayMs) * dayMs;
}

export type BookingRisk = { atRisk: false } | { atRisk: true; safeFrom: number };

/** A booking is at risk when P90 of infusion-ready is after its LD start; then the earliest safe day is proposed. */
export function bookingRisk(input: { readyP90: number; ldStart: number; profile: LdRules; dayMs: number }): BookingRisk {
  if (input.readyP90 <= input.ldStart) return { atRisk: false };
  return { atRisk: true, safeFrom: earliestSafeInfusion(input.readyP90, input.profile, input.dayMs) };
}

/**
 * The earliest calendar day at the site whose LD course, in local days, starts at or after
 * `readyP90`: the safe day as a scheduler books it (the real clock's form of `earliestSafeInfusion`).
 */
export function earliestSafeDate(readyP90: number, profile: LdRules, timeZone: string): LocalDate {
  // LD starts `courseDays + restDaysMin` local days before infusion, at local midnight.
  const date = addDays(localDateOf(readyP90, timeZone), profile.ld.courseDays + profile.ld.restDaysMin);
  return ldCourseForDay(date, timeZone, profile).ldStart >= readyP90 ? date : addDays(date, 1);
}
