import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { alerts, batches, forecasts, infusionBookings, landmarks, productProfiles, sites } from '../src/db/schema/index.js';
import { addDays, isTimeZone, localDay } from '../src/domain/calendar-day.js';
import { batchClock, type JourneyInput } from '../src/domain/batch/index.js';
import { productProfileSchema } from '../src/domain/profile.js';
import { HOUR_MS } from '../src/domain/durations.js';
import { bookingRisk, earliestSafeDate } from '../src/domain/safe-infusion.js';
import { productAtSite } from '../src/domain/stages.js';
import type { Tx } from './deps.js';

export interface BookingJudgement {
  atRisk: boolean;
  /** The earliest safe infusion day proposed, when at risk. */
  safeFrom?: string;
}

/**
 * Judges the batch's active infusion booking against P90 of infusion-ready (epoch ms): flags it and
 * proposes the earliest safe day when P90 passes its LD start, clears the flag when a later forecast
 * is safe again. Newly flagged, the scheduler gets an alert keyed by booking and landmark, so the
 * same judgement never alerts twice and a booking flagged again after a clear alerts again. A moved
 * booking is a new row with its own LD start, judged afresh. Runs in the forecast's transaction.
 */
export async function judgeBooking(
  tx: Tx,
  input: Pick<JourneyInput, 'batchId' | 'profile' | 'timeScale'>,
  readyP90: number | undefined,
  landmarkKey: string,
): Promise<BookingJudgement> {
  const [booking] = await tx
    .select({ id: infusionBookings.id, ldStart: infusionBookings.ldStart, atRisk: infusionBookings.atRisk })
    .from(infusionBookings)
    .where(and(eq(infusionBookings.batchId, input.batchId), eq(infusionBookings.state, 'active')));
  if (!booking?.ldStart) return { atRisk: false };

  const risk = readyP90 === undefined ? undefined : bookingRisk({ readyP90, ldStart: booking.ldStart.getTime(), profile: input.profile, dayMs: batchClock(input).dayMs });
  const safeFrom = risk?.atRisk ? new Date(risk.safeFrom) : null;
  await tx.update(infusionBookings).set({ atRisk: safeFrom !== null, safeFrom }).where(eq(infusionBookings.id, booking.id));
  if (safeFrom && !booking.atRisk) {
    // No patient data: the batch is named by its id, the booking by its LD start.
    const earliest = batchClock(input).realTime ? await earliestSafeDayWithChair(tx, booking.id, input, readyP90!) : undefined;
    const message = `Infusion booking with LD from ${booking.ldStart.toISOString()} is at risk: the product may reach the site only by ${new Date(readyP90!).toISOString()} (P90). ${earliest ? `Earliest safe infusion day with a free chair: ${earliest}.` : `Earliest safe infusion: ${safeFrom.toISOString()}.`}`;
    await tx
      .insert(alerts)
      .values({ key: `${landmarkKey}:booking-at-risk:${booking.id}`, batchId: input.batchId, severity: 'warning', kind: 'booking-at-risk', message })
      .onConflictDoNothing({ target: alerts.key });
  }
  return safeFrom ? { atRisk: true, safeFrom: safeFrom.toISOString() } : { atRisk: false };
}

/**
 * Judges a booking just made or moved against the batch's latest forecast, so the flag follows the
 * new LD start at once instead of at the next landmark. Once the product is at the site nothing is
 * at risk. The LD rule is the product's current profile (a booking carries no profile of its own).
 */
export async function judgeNewBooking(tx: Tx, batchId: string, timeScale: number): Promise<void> {
  const [latest] = await tx
    .select({ key: landmarks.key, at: landmarks.at, p90Hours: forecasts.p90, stage: batches.stage, profile: productProfiles.profile })
    .from(forecasts)
    .innerJoin(landmarks, eq(landmarks.id, forecasts.landmarkId))
    .innerJoin(batches, eq(batches.id, forecasts.batchId))
    .innerJoin(productProfiles, eq(productProfiles.id, batches.productId))
    .where(and(eq(forecasts.batchId, batchId), eq(forecasts.target, 'infusion_ready_days')))
    .orderBy(desc(landmarks.at))
    .limit(1);
  if (!latest) return;
  const readyP90 = productAtSite(latest.stage) ? undefined : latest.at.getTime() + latest.p90Hours * HOUR_MS;
  await judgeBooking(tx, { batchId, profile: productProfileSchema.parse(latest.profile), timeScale }, readyP90, latest.key);
}

/** How far ahead an alert looks for a safe day with a free chair before it names none. */
const ALTERNATIVE_SEARCH_DAYS = 14;

/**
 * On the real clock, the first calendar day at the booking's site that is safe (its LD course starts
 * after P90) and has a chair free of other batches, as "2027-03-14 (Europe/Paris)"; undefined when the
 * next two weeks are full or the site's zone is unknown.
 */
async function earliestSafeDayWithChair(tx: Tx, bookingId: string, input: Pick<JourneyInput, 'batchId' | 'profile'>, readyP90: number): Promise<string | undefined> {
  const [site] = await tx
    .select({ id: sites.id, timeZone: sites.timezone, chairs: sites.infusionChairs })
    .from(infusionBookings)
    .innerJoin(sites, eq(sites.id, infusionBookings.siteId))
    .where(eq(infusionBookings.id, bookingId));
  if (!site || !isTimeZone(site.timeZone)) return undefined;
  const first = earliestSafeDate(readyP90, input.profile, site.timeZone);
  for (let i = 0; i < ALTERNATIVE_SEARCH_DAYS; i++) {
    const day = localDay(addDays(first, i), site.timeZone);
    const [taken] = await tx
      .select({ n: sql<number>`count(distinct ${infusionBookings.chair})::int` })
      .from(infusionBookings)
      .where(
        and(
          eq(infusionBookings.siteId, site.id),
          eq(infusionBookings.state, 'active'),
          ne(infusionBookings.batchId, input.batchId),
          sql`${infusionBookings.during} && tstzrange(${new Date(day.start).toISOString()}::timestamptz, ${new Date(day.end).toISOString()}::timestamptz)`,
        ),
      );
    if ((taken?.n ?? 0) < site.chairs) return `${day.date} (${site.timeZone})`;
  }
  return undefined;
}

