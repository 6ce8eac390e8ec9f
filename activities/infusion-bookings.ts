import { and, eq, sql } from 'drizzle-orm';
import { infusionBookings, sites } from '../src/db/schema/index.js';
import type { ActivityDeps, Tx } from './deps.js';
import { judgeNewBooking } from './forecast-risk.js';
import { takeTurnAt } from '../src/planning/capacity/take-turn.js';
import { heldDay } from './held-day.js';
import { isExclusionViolation } from '../src/db/sql-state.js';
import { tryUnit } from '../src/planning/capacity/try-unit.js';
import { invalidInput, lockBatch, parseInstant, requireTimeScale, slotTaken } from './failures.js';
import type { BatchActivities } from './types.js';

type BookingActivities = Pick<BatchActivities, 'bookInfusion' | 'cancelInfusionBooking'>;

/**
 * A chair is booked for the infusion day. On the real clock that is the calendar day at the
 * treatment centre that `infusionDate` begins: [infusionDate, the next local midnight in the site's
 * time zone), 23 or 25 hours on a daylight-saving change. On a compressed clock it is one day of the
 * batch's own time scale, [infusionDate, infusionDate + DAY_MS / timeScale) (from its input, so every
 * worker books the same day whatever clock its process runs on). Bookings at one centre take turns
 * (takeTurnAt), and the exclusion constraint `infusion_bookings_no_overlap` still decides who gets a
 * chair; a unique index keeps one active booking per batch. Idempotent by
 * batch, with no key of its own: the same booking asked again is returned, another one replaces it.
 * A new or moved booking is judged at once against the batch's latest forecast (at risk or not).
 */
export function infusionBookingActivities({ db }: ActivityDeps): BookingActivities {
  return {
    async bookInfusion({ batchId, siteId, infusionDate, ldStart, chair, timeScale }) {
      requireTimeScale(timeScale);
      const start = parseInstant(infusionDate, 'infusionDate');
      const ld = parseInstant(ldStart, 'ldStart');

      return db.transaction(async (tx) => {
        await lockBatch(tx, batchId);
        const [site] = await tx.select({ chairs: sites.infusionChairs, timeZone: sites.timezone }).from(sites).where(eq(sites.id, siteId));
        if (!site) throw invalidInput(`Treatment centre ${siteId} does not exist.`);
        await takeTurnAt(tx, 'chairs', siteId);
        const day = heldDay(start.getTime(), timeScale, site.timeZone);
        const during = `[${start.toISOString()},${new Date(day.end).toISOString()})`;
        const current = await activeBooking(tx, batchId);
        if (current) {
          const same = current.siteId === siteId && current.startMs === start.getTime() && (!chair || chair === current.chair);
          // The same booking asked again (a retry): return it. Another date: the move replaces it.
          if (same) return { bookingId: current.bookingId, chair: current.chair };
          await tx.update(infusionBookings).set({ state: 'cancelled' }).where(eq(infusionBookings.id, current.bookingId));
        }

        const all = Array.from({ length: site.chairs }, (_, i) => `chair-${i + 1}`);
        if (chair && !all.includes(chair)) throw invalidInput(`${siteId} has no ${chair} (it has ${all.join(', ')}).`);

        let booking: { bookingId: string; chair: string } | undefined;
        for (const candidate of chair ? [chair] : all) {
          const inserted = await tryUnit(
            tx,
            (sp) => sp.insert(infusionBookings).values({ batchId, siteId, chair: candidate, during, ldStart: ld }).returning({ bookingId: infusionBookings.id, chair: infusionBookings.chair }),
            isExclusionViolation,
          );
          booking = inserted?.[0];
          if (booking) break;
        }
        if (!booking) {
          const which = chair ? chair : `any of its ${site.chairs} chairs`;
          throw slotTaken(`${siteId} has no free infusion chair (${which}) on ${day.name}: every chair is taken that day; choose another day.`);
        }
        await judgeNewBooking(tx, batchId, timeScale);
        return booking;
      });
    },

    async cancelInfusionBooking({ batchId }) {
      // Cancelling a batch without an active booking changes nothing, so a retry is harmless.
      await db
        .update(infusionBookings)
        .set({ state: 'cancelled' })
        .where(and(eq(infusionBookings.batchId, batchId), eq(infusionBookings.state, 'active')));
    },
  };
}

async function activeBooking(tx: Tx, batchId: string) {
  const [row] = await tx
    .select({
      bookingId: infusionBookings.id,
      siteId: infusionBookings.siteId,
      chair: infusionBookings.chair,
      // Epoch milliseconds: a number compares exactly, whatever text form the driver gives times.
      startMs: sql<number>`(extract(epoch from lower(${infusionBookings.during})) * 1000)::float8`,
    })
    .from(infusionBookings)
    .where(and(eq(infusionBookings.batchId, batchId), eq(infusionBookings.state, 'active')));
  return row;
}
