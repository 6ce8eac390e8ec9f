import { and, eq, sql } from 'drizzle-orm';
import { batches, infusionBookings } from '../../db/schema/index.js';
import { productAtSite } from '../../domain/stages.js';
import type { ApiDeps } from '../deps.js';

export interface ChairBooking {
  chair: string;
  batchId: string;
  from: number;
  to: number;
  ldStart: number | null;
  /**
   * Judged by the worker at each forecast: the LD starts before the product can be at the site. No
   * forecast follows the product's arrival, so once it is there the flag is read as cleared.
   */
  atRisk: boolean;
}

/** A site's active bookings that overlap [from, to), earliest first. */
export async function activeBookings(deps: Pick<ApiDeps, 'db'>, siteId: string, from: number, to: number): Promise<ChairBooking[]> {
  // Bounds as epoch milliseconds: a number compares exactly, whatever text form the driver gives times.
  const epochMs = (t: unknown) => sql<number>`(extract(epoch from ${t}) * 1000)::float8`;
  const rows = await deps.db
    .select({
      chair: infusionBookings.chair,
      batchId: infusionBookings.batchId,
      from: epochMs(sql`lower(${infusionBookings.during})`),
      to: epochMs(sql`upper(${infusionBookings.during})`),
      ldStart: epochMs(infusionBookings.ldStart),
      atRisk: infusionBookings.atRisk,
      stage: batches.stage,
    })
    .from(infusionBookings)
    .innerJoin(batches, eq(batches.id, infusionBookings.batchId))
    .where(
      and(
        eq(infusionBookings.siteId, siteId),
        eq(infusionBookings.state, 'active'),
        sql`${infusionBookings.during} && tstzrange(${new Date(from).toISOString()}::timestamptz, ${new Date(to).toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(sql`lower(${infusionBookings.during})`);
  return rows.map(({ stage, ...r }) => ({
    ...r,
    from: Number(r.from),
    to: Number(r.to),
    ldStart: r.ldStart === null ? null : Number(r.ldStart),
    atRisk: r.atRisk && !productAtSite(stage),
  }));
}

/** How many chairs are taken during [from, to), leaving out one batch's own booking (a move frees it). */
export function takenChairs(bookings: readonly ChairBooking[], from: number, to: number, except?: string): number {
  return new Set(bookings.filter((b) => b.from < to && b.to > from && b.batchId !== except).map((b) => b.chair)).size;
}
