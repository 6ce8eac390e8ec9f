import { eq } from 'drizzle-orm';
import { mayReport, type Report } from '../../domain/batch/reporters.js';
import { ERR } from '../../domain/errors.js';
import { equipment } from '../../db/schema/index.js';
import { requireBatch, type BatchRow } from '../batch-workflow.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, forbidden } from '../errors.js';
import type { Principal } from './principal.js';

/**
 * The domain's table of who reports what (src/domain/batch/reporters.ts), applied to a call: the
 * batch's sites come from its row, the caller's role and sites from the token. 403 with the rule.
 */
export async function requireReporter(deps: ApiDeps, principal: Principal, batchId: string, report: Report): Promise<BatchRow> {
  const row = await requireBatch(deps, batchId);
  const verdict = mayReport(principal, report, row);
  if (!verdict.ok) throw forbidden(verdict.rule);
  return row;
}

/** Printable, as an equipment id is: anything else could not name a unit (nor be sent to PostgreSQL). */
const EQUIPMENT_ID = /^[^\p{Cc}\p{Cs}]{1,200}$/u;

/**
 * A milestone's `data.equipmentId` links the batch to a unit (its culture runs in that bioreactor):
 * it must be one of the batch's manufacturing facility's units, or a partner could tie the batch to
 * any equipment anywhere. Unknown and foreign units get the same answer, so ids elsewhere stay unseen.
 */
export async function requireFacilityEquipment(deps: ApiDeps, row: BatchRow, data: Record<string, unknown> | undefined): Promise<void> {
  if (data === undefined || !Object.hasOwn(data, 'equipmentId')) return;
  const id = data['equipmentId'];
  const rule = `data.equipmentId must name equipment of the batch's manufacturing facility (site ${row.facilityId ?? 'not planned yet'})`;
  const refuse = (why: string) => {
    const message = `${rule}; ${why}.`;
    return new ApiError(422, ERR.VALIDATION, message, [{ in: 'body', path: ['data', 'equipmentId'], code: 'invalid_reference', message }]);
  };
  if (typeof id !== 'string' || !EQUIPMENT_ID.test(id)) throw refuse('it is not an equipment id (1–200 printable characters)');
  const [unit] = await deps.db.select({ siteId: equipment.siteId }).from(equipment).where(eq(equipment.id, id)).limit(1);
  if (!unit || row.facilityId === null || unit.siteId !== row.facilityId) throw refuse(`"${id}" is not one of its units`);
}
