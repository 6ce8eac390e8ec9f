import { inArray, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { batches } from '../../db/schema/index.js';
import type { Principal } from '../auth/principal.js';
import { requireBatch, type BatchRow } from '../batch-workflow.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';

/**
 * The sites a caller may see: `'all'` for admin (no sites by design), else the token's sites. Until
 * the authentication hook sets `request.principal` on every /v1 route, a request without one sees all,
 * as the API did before access control; the route access table decides who gets this far at all.
 */
export type SiteScope = string[] | 'all';

export function siteScopeOf(principal: Principal | undefined): SiteScope {
  if (!principal || principal.role === 'admin') return 'all';
  return principal.sites;
}

export const requestSiteScope = (request: FastifyRequest): SiteScope => siteScopeOf(request.principal);

/** A batch is at a site when the site collects, manufactures or treats it. */
export function batchAtSites(scope: SiteScope): SQL | undefined {
  if (scope === 'all') return undefined;
  if (scope.length === 0) return sql`false`;
  return or(inArray(batches.apheresisCenterId, scope), inArray(batches.treatmentCenterId, scope), inArray(batches.facilityId, scope));
}

/** Whether anything naming these sites is visible in the scope (for events filtered in memory). */
export function sitesVisible(scope: SiteScope, siteIds: readonly string[]): boolean {
  return scope === 'all' || siteIds.some((id) => scope.includes(id));
}

/** The distinct sites of a batch and/or a piece of equipment, for a row's `siteIds`. */
export function siteIdsOf(...ids: (string | null | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/** Like requireBatch, but a batch outside the caller's sites is as absent as one that does not exist. */
export async function requireVisibleBatch(deps: ApiDeps, batchId: string, scope: SiteScope): Promise<BatchRow> {
  const row = await requireBatch(deps, batchId);
  if (!sitesVisible(scope, siteIdsOf(row.apheresisCenterId, row.facilityId, row.treatmentCenterId))) throw notFound(`No batch ${batchId}.`);
  return row;
}
