import { eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { baselineQuantiles } from '../../../activities/forecast-baseline.js';
import { productProfiles, sites } from '../../db/schema/index.js';
import { addDays, startOfDay } from '../../domain/calendar-day.js';
import { ERR } from '../../domain/errors.js';
import { iso } from '../../domain/instant.js';
import { productProfileSchema, type ProductProfile } from '../../domain/profile.js';
import type { SiteKind } from '../../domain/stages.js';
import { TARGETS } from '../../forecast/features/index.js';
import { chainOffsets, installationClock, offerChains, realFacilities, type DatedChain } from '../../planning/capacity/index.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { SLOT_CHAIN_LIMIT, type slotChainsQuery } from '../schemas/capacity.js';

/**
 * The feasible slot chains for one patient: the planner's enumeration (src/domain/planning) over
 * the database's capacity, each with its forecast band. No batch exists yet, so the forecast is the
 * turnaround baseline from collection (the product's past batches once there are enough, else the
 * profile's nominal durations with the nominal band), labelled with its method.
 */
type Query = z.output<typeof slotChainsQuery>;

const NO_BATCH = '00000000-0000-0000-0000-000000000000';

const invalidQuery = (field: string, code: string, message: string) => new ApiError(422, ERR.VALIDATION, message, [{ in: 'querystring', path: [field], code, message }]);

export async function productProfileOf(deps: Pick<ApiDeps, 'db'>, productId: string, field: 'productId', where: 'querystring' | 'body' = 'querystring'): Promise<ProductProfile> {
  const [row] = await deps.db.select({ profile: productProfiles.profile }).from(productProfiles).where(eq(productProfiles.id, productId));
  const message = `Unknown product "${productId}": see GET /v1/products.`;
  if (!row) throw new ApiError(422, ERR.VALIDATION, message, [{ in: where, path: [field], code: 'invalid_reference', message }]);
  return productProfileSchema.parse(row.profile);
}

/** Each named site must exist, be real and be of its kind. */
async function requireSites(deps: ApiDeps, wanted: { field: string; id: string; kind: SiteKind }[]): Promise<Map<string, string>> {
  const rows = await deps.db.select({ id: sites.id, kind: sites.kind, simulated: sites.simulated, timezone: sites.timezone }).from(sites).where(inArray(sites.id, wanted.map((w) => w.id)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const { field, id, kind } of wanted) {
    const row = byId.get(id);
    if (!row || row.simulated) throw invalidQuery(field, 'invalid_reference', `Unknown site "${id}" for ${field}: see GET /v1/sites.`);
    if (row.kind !== kind) throw invalidQuery(field, 'invalid_reference', `Site "${id}" is a ${row.kind}, but ${field} must name a ${kind}.`);
  }
  return new Map(rows.map((r) => [r.id, r.timezone]));
}

export async function slotChainOffers(deps: ApiDeps, query: Query, now = Date.now()) {
  const profile = await productProfileOf(deps, query.productId, 'productId');
  const zones = await requireSites(deps, [
    { field: 'apheresisCenterId', id: query.apheresisCenterId, kind: 'apheresis_center' },
    { field: 'treatmentCenterId', id: query.treatmentCenterId, kind: 'treatment_center' },
    ...(query.facilityId ? [{ field: 'facilityId', id: query.facilityId, kind: 'manufacturing_facility' as const }] : []),
  ]);
  const facilityIds = query.facilityId ? [query.facilityId] : await realFacilities(deps.db);
  // In the calendar enrolment books in (a compressed clock's simulated days, given an origin), so an offer can be enrolled with.
  const offer = await offerChains(deps.db, { profile, apheresisCenterId: query.apheresisCenterId, treatmentCenterId: query.treatmentCenterId, facilityIds, from: now, horizonDays: query.horizonDays, earliestDay: query.from, clock: installationClock(deps.config) });
  const forecast = await forecastFromCollection(deps, profile);
  const offsets = chainOffsets(profile);
  const apheresisZone = zones.get(query.apheresisCenterId)!;
  return {
    startDate: offer.calendar.startDate,
    horizonDays: query.horizonDays,
    chains: offer.chains.slice(0, SLOT_CHAIN_LIMIT).map((chain) => offerView(chain, query, forecast, startOfDay(chain.collectionDay, apheresisZone), offsets?.latestInfusionAfterDays ?? 0)),
  };
}

type Quantiles = Awaited<ReturnType<typeof baselineQuantiles>>;

/** Collection → release and → at the treatment centre, on the real clock, for the product (no batch yet). */
async function forecastFromCollection(deps: ApiDeps, profile: ProductProfile): Promise<{ release: Quantiles; ready: Quantiles }> {
  return deps.db.transaction(async (tx) => {
    const where = { batchId: NO_BATCH, profile, stage: 'COLLECTED' as const, timeScale: 1, elapsedMs: 0 };
    const release = await baselineQuantiles(tx, { ...where, target: TARGETS[0] });
    const ready = await baselineQuantiles(tx, { ...where, target: TARGETS[1] });
    return { release, ready };
  });
}

function offerView(chain: DatedChain, query: Query, forecast: { release: Quantiles; ready: Quantiles }, collectedAt: number, latestAfterDays: number) {
  const band = (q: Quantiles) => ({ p10: iso(collectedAt + q.p10Ms), p50: iso(collectedAt + q.p50Ms), p90: iso(collectedAt + q.p90Ms) });
  return {
    collection: { apheresisCenterId: query.apheresisCenterId, day: chain.collectionDay },
    manufacturing: { facilityId: chain.facilityId, lineStartDay: chain.lineStartDay, lineEndDay: chain.lineEndDay },
    infusion: { treatmentCenterId: query.treatmentCenterId, earliestDay: chain.infusionDay, latestDay: addDays(chain.infusionDay, latestAfterDays) },
    forecast: { method: forecast.release.method, release: band(forecast.release), infusionReady: band(forecast.ready) },
    enrolWith: { collectionDay: chain.collectionDay, facilityId: chain.facilityId },
  };
}
