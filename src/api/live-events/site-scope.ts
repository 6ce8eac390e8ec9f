import type { SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { siteFilter } from '../auth/route-access.js';
import { batchSitesFor, visibleBatches } from '../auth/site-scope.js';
import type { Principal } from '../auth/principal.js';

/**
 * What a caller may see, for the dashboard's lists and its event stream: the access table's site
 * filter (`'all'` for admin) with the principal, whose role also decides which of a batch's sites
 * count (a scheduler's only through its treatment centre: src/api/auth/site-scope.ts).
 */
export interface SiteScope {
  principal: Principal;
  sites: readonly string[] | 'all';
}

export function requestSiteScope(request: FastifyRequest): SiteScope {
  // Every /v1 route is authenticated before its handler runs (src/api/auth/authenticate.ts).
  const principal = request.principal!;
  return { principal, sites: siteFilter(principal) ?? 'all' };
}

/** The batches a listing may show (undefined: all of them). */
export const batchAtSites = (scope: SiteScope): SQL | undefined => visibleBatches(scope.principal);

/** Whether a row naming these sites is visible (for what is filtered in memory, such as events). */
export function sitesVisible(scope: SiteScope, siteIds: readonly string[]): boolean {
  const { sites } = scope;
  return sites === 'all' || siteIds.some((id) => sites.includes(id));
}

export type BatchSites = { apheresisCenterId: string; facilityId: string | null; treatmentCenterId: string };

/** Whether a row about this batch and/or unit is visible: through a batch site the caller's role counts, or the unit's site. */
export function rowVisible(scope: SiteScope, batch: BatchSites | null, equipmentSiteId: string | null): boolean {
  return sitesVisible(scope, [...(batch ? batchSitesFor(scope.principal, batch) : []), ...(equipmentSiteId ? [equipmentSiteId] : [])]);
}

/** The distinct sites of a batch and/or a piece of equipment, for a row's `siteIds`. */
export function siteIdsOf(...ids: (string | null | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}
