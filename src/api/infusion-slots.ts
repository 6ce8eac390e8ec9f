import { batchClock } from '../domain/batch/journey.js';
import { addDays, datesFrom, daysBetween, localDateOf, localDay, type LocalDate } from '../domain/calendar-day.js';
import { ERR } from '../domain/errors.js';
import { iso } from '../domain/instant.js';
import { bookingAtRisk, dayReasons, feasibleDays, type CandidateDay } from '../domain/infusion-feasibility.js';
import { ldCourseFor, ldCourseForDay } from '../domain/ld-window.js';
import { DAY_MS } from '../domain/durations.js';
import type { ApiDeps } from './deps.js';
import { eq } from 'drizzle-orm';
import { batches } from '../db/schema/index.js';
import { API_ERR, ApiError } from './errors.js';
import { batchView, type BatchView } from './scheduling/batch-outlook.js';
import { activeBookings, takenChairs, type ChairBooking } from './scheduling/chair-bookings.js';
import { treatmentCentre, type TreatmentCentre } from './scheduling/treatment-centre.js';

/**
 * A treatment centre's calendar: each local day in a range with its chairs total and free, and, for
 * a batch, whether the day suits it and why not, whether its booking is at risk and the next days it
 * could move to. The chairs with their bookings (the first form of this answer) are kept beside it.
 */
const DEFAULT_RANGE_DAYS = 28;
/** A longer range is refused rather than answered slowly. */
const MAX_RANGE_DAYS = 92;
/** How many alternatives an at-risk booking is offered. */
const ALTERNATIVES = 3;

export interface SlotsRequest {
  siteId: string;
  batchId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
const rangeError = (field: 'from' | 'to', code: string, message: string) =>
  new ApiError(400, ERR.VALIDATION, message, [{ in: 'querystring', path: [field], code, message }]);

/**
 * The batch must be one this treatment centre infuses: a caller scoped to this site may otherwise
 * read another site's batch (its window, stage and booking) through this site's calendar. Unknown
 * and elsewhere get the same answer, so the refusal reveals nothing either.
 */
async function requireBatchAtSite(deps: ApiDeps, batchId: string, siteId: string): Promise<void> {
  const [row] = await deps.db.select({ siteId: batches.treatmentCenterId }).from(batches).where(eq(batches.id, batchId)).limit(1);
  if (row?.siteId === siteId) return;
  const message = `No batch ${batchId} is infused at site ${siteId}.`;
  throw new ApiError(404, API_ERR.NOT_FOUND, message, [{ in: 'querystring', path: ['batchId'], code: 'not_at_site', message }]);
}

export async function infusionSlots(deps: ApiDeps, request: SlotsRequest) {
  const site = await treatmentCentre(deps, request.siteId, { in: 'params', path: ['siteId'] });
  const now = Date.now();
  if (request.batchId !== undefined) await requireBatchAtSite(deps, request.batchId, site.id);
  const batch = request.batchId === undefined ? undefined : await batchView(deps, request.batchId, now);
  const window = batch?.awaitedWindow ?? null;

  // The chairs listing keeps its instants (a date read as UTC midnight, as it always was).
  const from = iso(Date.parse(request.from ?? window?.earliest ?? iso(now)));
  const to = request.to ? iso(Date.parse(request.to)) : window ? iso(Date.parse(window.latest)) : iso(Date.parse(from) + DEFAULT_RANGE_DAYS * DAY_MS);
  if (Date.parse(from) >= Date.parse(to)) throw rangeError('to', 'invalid_range', `The range must end after it starts (from ${from}, to ${to}).`);

  // The days: local dates at the site, `to`'s date included.
  const firstDate = request.from && isDate(request.from) ? request.from : localDateOf(Date.parse(from), site.timeZone);
  const lastDate = request.to && isDate(request.to) ? request.to : localDateOf(Date.parse(to), site.timeZone);
  if (daysBetween(firstDate, lastDate) >= MAX_RANGE_DAYS) {
    throw rangeError('to', 'range_too_long', `A range covers at most ${MAX_RANGE_DAYS} days (${firstDate} to ${lastDate} is ${daysBetween(firstDate, lastDate) + 1}).`);
  }
  const dates = datesFrom(firstDate, lastDate);
  const searchDates = batch ? alternativeDates(batch, site, now) : [];

  const allDates = [...dates, ...searchDates].sort();
  const span = allDates.length > 0 ? { from: localDay(allDates[0]!, site.timeZone).start, to: localDay(allDates.at(-1)!, site.timeZone).end } : { from: 0, to: 0 };
  const bookings = await activeBookings(deps, site.id, Math.min(span.from, Date.parse(from)), Math.max(span.to, Date.parse(to)));

  const candidate = (date: LocalDate) => candidateDay(date, site, bookings, batch);
  const days = dates.map(candidate).map(({ day, total, free }) => ({
    date: day.date,
    start: iso(day.start),
    end: iso(day.end),
    chairs: { total, free },
    ...(batch ? judged(day, batch) : {}),
  }));

  return {
    siteId: site.id,
    from,
    to,
    window,
    chairs: chairListing(site, bookings, Date.parse(from), Date.parse(to)),
    timeZone: site.timeZone,
    days,
    ...(batch
      ? {
          atRisk: atRisk(batch),
          alternatives: feasibleDays(searchDates.map((d) => candidate(d).day), batch.outlook, ALTERNATIVES).map((d) => ({
            date: d.date, start: iso(d.start), freeChairs: d.freeChairs,
          })),
        }
      : {}),
  };
}

function atRisk(batch: BatchView): boolean {
  const booking = batch.status?.booking;
  return booking !== undefined && bookingAtRisk(Date.parse(booking.ldStart), batch.outlook, batch.status?.forecast?.atRisk ?? false);
}

function judged(day: CandidateDay, batch: BatchView) {
  const reasons = dayReasons(day, batch.outlook);
  return { feasible: reasons.length === 0, reasons };
}

/** A day with its LD start for the batch and its chairs: free for the batch leaves its own booking out. */
function candidateDay(date: LocalDate, site: TreatmentCentre, bookings: readonly ChairBooking[], batch: BatchView | undefined) {
  const { start, end } = localDay(date, site.timeZone);
  const taken = takenChairs(bookings, start, end);
  const free = Math.max(0, site.chairs - taken);
  if (!batch) return { day: { date, start, end, ldStart: start, freeChairs: free }, total: site.chairs, free };
  // The real clock books local days (LD at local midnights); a compressed one counts the batch's own days.
  const ldStart = batchClock(batch).realTime ? ldCourseForDay(date, site.timeZone, batch.profile).ldStart : ldCourseFor(start, batch.profile, batch.dayMs).ldStart;
  const freeChairs = Math.max(0, site.chairs - takenChairs(bookings, start, end, batch.batchId));
  return { day: { date, start, end, ldStart, freeChairs }, total: site.chairs, free };
}

/** Where alternatives are looked for: the batch's window from today, at most MAX_RANGE_DAYS days. */
function alternativeDates(batch: BatchView, site: TreatmentCentre, now: number): LocalDate[] {
  const today = localDateOf(now, site.timeZone);
  const window = batch.outlook.window;
  const opens = window ? localDateOf(window.earliest, site.timeZone) : today;
  const first = opens > today ? opens : today;
  const closes = window ? localDateOf(window.latest, site.timeZone) : addDays(first, DEFAULT_RANGE_DAYS - 1);
  const last = daysBetween(first, closes) >= MAX_RANGE_DAYS ? addDays(first, MAX_RANGE_DAYS - 1) : closes;
  return datesFrom(first, last);
}

/** Chairs are named chair-1…chair-N; a booking on a chair outside that list (renamed, removed) still shows. */
function chairListing(site: TreatmentCentre, all: readonly ChairBooking[], from: number, to: number) {
  const bookings = all.filter((b) => b.from < to && b.to > from);
  const names = Array.from({ length: site.chairs }, (_, i) => `chair-${i + 1}`);
  for (const b of bookings) if (!names.includes(b.chair)) names.push(b.chair);
  return names.map((chair) => ({
    chair,
    bookings: bookings
      .filter((b) => b.chair === chair)
      .map((b) => ({ batchId: b.batchId, from: iso(b.from), to: iso(b.to), ldStart: b.ldStart === null ? null : iso(b.ldStart), atRisk: b.atRisk })),
  }));
}
