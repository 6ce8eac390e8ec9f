import { alertActivities } from './alerts.js';
import { custodyActivities } from './custody.js';
import type { ActivityDeps } from './deps.js';
import { failUncurableAtOnce } from './failures.js';
import { equipmentActivities } from './equipment-assessment.js';
import type { EquipmentActivities } from './equipment-types.js';
import { forecastActivities } from './forecast.js';
import { infusionBookingActivities } from './infusion-bookings.js';
import { manufacturingSlotActivities } from './manufacturing-slots.js';
import { shipmentActivities } from './shipments.js';
import { slotChainActivities } from './slot-chains.js';
import { stageActivities } from './stages.js';
import type { BatchActivities } from './types.js';

export type { ActivityDeps, CapacityRelease, ChainStore } from './deps.js';
export type { BatchActivities } from './types.js';
export type { EquipmentActivities } from './equipment-types.js';

/**
 * The batch workflow's side effects on PostgreSQL. Every activity is idempotent, keyed by its input
 * or by the batch (which ones, how: activities/types.ts), so a retry after a lost response writes
 * nothing twice.
 */
export function createBatchActivities(deps: ActivityDeps): BatchActivities & EquipmentActivities {
  return failUncurableAtOnce({
    ...custodyActivities(deps),
    ...stageActivities(deps),
    ...manufacturingSlotActivities(deps),
    ...slotChainActivities(deps),
    ...shipmentActivities(deps),
    ...infusionBookingActivities(deps),
    ...alertActivities(deps),
    ...forecastActivities(deps),
    ...equipmentActivities(deps),
  });
}
