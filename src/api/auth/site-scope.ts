import { eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { batches, equipment, shipments } from '../../db/schema/index.js';
import { requireBatch, type BatchRow } from '../batch-workflow.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import type { Principal } from './principal.js';
import { siteFilter, type SiteScope } from './route-access.js';

/**
 * The sites a call is about, read from the database as route-access.ts describes each scope.
 * undefined: nothing to check (the scope names no site, or the target does not exist and the
 * route itself answers 404 with its own sentence).
 */
export async function sitesOfCall(deps: ApiDeps, request: FastifyRequest, scope: SiteScope, principal: Principal): Promise<string[] | undefined> {
  const params = request.params as Record<string, string>;
  switch (scope) {
    case 'any':
    case 'list':
      return undefined;
    case 'batch':
      return batchSitesFor(principal, await requireBatch(deps, params['id']!));
    case 'path-site':
      return [params['siteId']!];
    case 'equipment': {
      const [unit] = await deps.db.select({ siteId: equipment.siteId }).from(equipment).where(eq(equipment.id, params['id']!));
      if (!unit) throw notFound(`No equipment "${params['id']}".`);
      return [unit.siteId];
    }
    case 'enrolment': {
      const body = request.body as { apheresisCenterId: string; treatmentCenterId: string };
      return [body.apheresisCenterId, body.treatmentCenterId];
    }
    case 'chain-query': {
      const query = request.query as { apheresisCenterId: string; treatmentCenterId: string };
      return principal.role === 'scheduler' ? [query.treatmentCenterId] : [query.apheresisCenterId, query.treatmentCenterId];
    }
    case 'device-binding':
      return bindingSites(deps, (request.body as { binding: { shipmentId?: string; equipmentId?: string } }).binding);
  }
}

/** A batch's sites as this identity may claim them: a scheduler's only through its treatment centre. */
export function batchSitesFor(principal: Principal, row: Pick<BatchRow, 'apheresisCenterId' | 'facilityId' | 'treatmentCenterId'>): string[] {
  if (principal.role === 'scheduler') return [row.treatmentCenterId];
  return [row.apheresisCenterId, row.treatmentCenterId, ...(row.facilityId ? [row.facilityId] : [])];
}

async function bindingSites(deps: ApiDeps, binding: { shipmentId?: string; equipmentId?: string }): Promise<string[] | undefined> {
  if (binding.equipmentId !== undefined) {
    const [unit] = await deps.db.select({ siteId: equipment.siteId }).from(equipment).where(eq(equipment.id, binding.equipmentId));
    return unit ? [unit.siteId] : undefined;
  }
  const [row] = await deps.db
    .select({ apheresisCenterId: batches.apheresisCenterId, treatmentCenterId: batches.treatmentCenterId, facilityId: batches.facilityId })
    .from(shipments)
    .innerJoin(batches, eq(batches.id, shipments.batchId))
    .where(eq(shipments.id, binding.shipmentId!));
  return row ? [row.apheresisCenterId, row.treatmentCenterId, ...(row.facilityId ? [row.facilityId] : [])] : undefined;
}

/** The batches a listing may show this identity (undefined: all of them, for admin). */
export function visibleBatches(principal: Principal): SQL | undefined {
  const sites = siteFilter(principal);
  if (sites === undefined) return undefined;
  if (sites.length === 0) return sql`false`;
  if (principal.role === 'scheduler') return inArray(batches.treatmentCenterId, [...sites]);
  return or(inArray(batches.apheresisCenterId, [...sites]), inArray(batches.treatmentCenterId, [...sites]), inArray(batches.facilityId, [...sites]));
}

/**
 * The hospital's patientRef is for the people caring for the patient: user identities whose sites
 * include the batch's treatment centre or apheresis centre. Not admin, not partner systems, not a
 * facility's staff: they follow the batch by its COI id alone.
 */
export function seesPatientRef(principal: Principal, row: Pick<BatchRow, 'apheresisCenterId' | 'treatmentCenterId'>): boolean {
  if (principal.kind !== 'user' || principal.role === 'admin') return false;
  return principal.sites.includes(row.treatmentCenterId) || principal.sites.includes(row.apheresisCenterId);
}
