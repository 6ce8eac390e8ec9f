import { eq } from 'drizzle-orm';
import { batches, deviceBindings, equipment, productProfiles, shipments } from '../../db/schema/index.js';
import { productProfileSchema } from '../../domain/profile.js';
import { equipmentRules, scaleRuleSet, shipmentRules, type RuleSet } from '../../domain/excursions/index.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { rowVisible, type SiteScope } from '../live-events/site-scope.js';

/** What a telemetry chart is about: its device bindings, the limits the engine applies, and its sites. */
export interface TelemetryTarget {
  bindingIds: string[];
  deviceIds: string[];
  /** null when no limits apply (a profile that no longer parses, as the ingest treats it). */
  rules: RuleSet | null;
}

/**
 * The limits come from where the excursion engine gets them (src/ingest/bindings.ts): the product
 * profile's leg for a shipment, scaled by the batch's clock; the equipment kind's defaults with the
 * unit's overrides, scaled by the API's clock. A target outside the caller's sites is not found.
 */
export async function shipmentTarget(deps: ApiDeps, shipmentId: string, scope: SiteScope): Promise<TelemetryTarget> {
  const [row] = await deps.db
    .select({ shipment: shipments, batch: batches, profile: productProfiles.profile })
    .from(shipments)
    .innerJoin(batches, eq(batches.id, shipments.batchId))
    .innerJoin(productProfiles, eq(productProfiles.id, batches.productId))
    .where(eq(shipments.id, shipmentId));
  if (!row || !rowVisible(scope, row.batch, null)) {
    throw notFound(`No shipment "${shipmentId}".`);
  }
  const profile = productProfileSchema.safeParse(row.profile);
  const rules = profile.success ? scaleRuleSet(shipmentRules(profile.data, row.shipment.leg), row.batch.timeScale) : null;
  return { ...(await bindingsOf(deps, 'shipment', shipmentId)), rules };
}

export async function equipmentTarget(deps: ApiDeps, equipmentId: string, scope: SiteScope): Promise<TelemetryTarget> {
  const [unit] = await deps.db.select().from(equipment).where(eq(equipment.id, equipmentId));
  if (!unit || !rowVisible(scope, null, unit.siteId)) throw notFound(`No equipment "${equipmentId}".`);
  let rules: RuleSet | null;
  try {
    rules = scaleRuleSet(equipmentRules(unit.kind, unit.profile ?? undefined), deps.config.V2V_TIME_SCALE);
  } catch {
    // A profile edited by hand that does not validate: the ingest stores readings unevaluated then.
    rules = null;
  }
  return { ...(await bindingsOf(deps, 'equipment', equipmentId)), rules };
}

async function bindingsOf(deps: ApiDeps, kind: 'shipment' | 'equipment', id: string) {
  const column = kind === 'shipment' ? deviceBindings.shipmentId : deviceBindings.equipmentId;
  const rows = await deps.db.select({ id: deviceBindings.id, deviceId: deviceBindings.deviceId }).from(deviceBindings).where(eq(column, id));
  return { bindingIds: rows.map((r) => r.id), deviceIds: [...new Set(rows.map((r) => r.deviceId))] };
}
