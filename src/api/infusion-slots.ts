import { and, eq, sql } from 'drizzle-orm';
import { infusionBookings } from '../db/schema/index.js';
import { DAY_MS } from '../domain/profile.js';
import type { ApiDeps } from './deps.js';
import { ERR } from '../domain/errors.js';
import { ApiError, notFound } from './errors.js';
import { queryStatus, requireBatch } from './batch-workflow.js';

/** A treatment centre's chairs, their active bookings in a range, and a batch's infusion window. */
const DEFAULT_CHAIRS = 4;
const DEFAULT_RANGE_DAYS = 28;

export interface SlotsRequest {
  siteId: string;
  batchId?: string;
  from?: string;
  to?: string;
}

/**
 * How many chairs the site has. `sites.infusion_chairs` may not exist in every schema version, so
 * the row is read as JSON and a missing column means the default rather than a failed query.
 */
async function chairCount(deps: ApiDeps, siteId: string): Promise<number> {
  const { rows } = await deps.pool.query<{ site: Record<string, unknown> }>('select to_jsonb(s) as site from sites s where s.id = $1', [siteId]);
  const site = rows[0]?.site;
  if (!site) throw notFound(`No site ${siteId}.`);
  if (site['kind'] !== 'treatment_center') {
    const message = `Site "${siteId}" is a ${String(site['kind'])}; infusion chairs belong to treatment centres.`;
    throw new ApiError(422, ERR.VALIDATION, message, [{ in: 'params', path: ['siteId'], code: 'invalid_reference', message }]);
  }
  const chairs = site['infusion_chairs'];
  return typeof chairs === 'number' && chairs >= 0 ? chairs : DEFAULT_CHAIRS;
}

async function bookingWindow(deps: ApiDeps, batchId: string | undefined) {
  if (batchId === undefined) return null;
  await requireBatch(deps, batchId);
  const status = await queryStatus(deps, batchId);
  const awaiting = status?.awaiting;
  return awaiting?.kind === 'infusion-booking' ? { earliest: awaiting.earliest, latest: awaiting.latest } : null;
}

const iso = (value: string) => new Date(value).toISOString();

export async function infusionSlots(deps: ApiDeps, request: SlotsRequest) {
  const chairs = await chairCount(deps, request.siteId);
  const window = await bookingWindow(deps, request.batchId);
  const from = iso(request.from ?? window?.earliest ?? new Date().toISOString());
  const to = request.to ? iso(request.to) : window ? iso(window.latest) : new Date(Date.parse(from) + DEFAULT_RANGE_DAYS * DAY_MS).toISOString();

  if (Date.parse(from) >= Date.parse(to)) {
    const message = `The range must end after it starts (from ${from}, to ${to}).`;
    throw new ApiError(400, ERR.VALIDATION, message, [{ in: 'querystring', path: ['to'], code: 'invalid_range', message }]);
  }

  // Bounds as JSON text, which is ISO 8601, so no driver-side date parsing guesses a format.
  const bookings = await deps.db
    .select({
      chair: infusionBookings.chair,
      batchId: infusionBookings.batchId,
      from: sql<string>`to_json(lower(${infusionBookings.during}))#>>'{}'`,
      to: sql<string>`to_json(upper(${infusionBookings.during}))#>>'{}'`,
      ldStart: sql<string | null>`to_json(${infusionBookings.ldStart})#>>'{}'`,
    })
    .from(infusionBookings)
    .where(
      and(
        eq(infusionBookings.siteId, request.siteId),
        eq(infusionBookings.state, 'active'),
        sql`${infusionBookings.during} && tstzrange(${from}::timestamptz, ${to}::timestamptz)`,
      ),
    )
    .orderBy(sql`lower(${infusionBookings.during})`);

  // Chairs are named chair-1…chair-N; a booking on a chair outside that list (renamed, removed) still shows.
  const names = Array.from({ length: chairs }, (_, i) => `chair-${i + 1}`);
  for (const b of bookings) if (!names.includes(b.chair)) names.push(b.chair);
  return {
    siteId: request.siteId,
    from,
    to,
    window,
    chairs: names.map((chair) => ({
      chair,
      bookings: bookings
        .filter((b) => b.chair === chair)
        .map((b) => ({ batchId: b.batchId, from: iso(b.from), to: iso(b.to), ldStart: b.ldStart === null ? null : iso(b.ldStart) })),
    })),
  };
}
