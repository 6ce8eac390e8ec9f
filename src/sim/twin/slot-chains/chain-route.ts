import { DAY_MS, HOUR_MS } from '../../../domain/durations.js';
import type { ChainRoute } from '../../../domain/planning/problem.js';
import type { ProductProfile } from '../../../domain/profile.js';
import type { ProductParameters } from '../../scenario/product-parameters.js';
import { typical } from '../sample.js';

/** Local hour of a collection (as the apheresis chair book has it). */
export const COLLECTION_HOUR = 8;
/** Working days to calendar days, for QC and QA on a five-day week. */
const CALENDAR_PER_WORKING_DAY = 7 / 5;

/**
 * A chain's fixed offsets through one facility, as a planner plans them: from the product's
 * nominal steps and the scenario's typical (median) delays, never from a draw.
 *  - arrival: the day the material typically reaches the facility after a morning collection
 *    (fresh material starts its run that day, so the line is held from it);
 *  - line: every manufacturing step, plus a margin for runs that overrun;
 *  - infusion: QC and QA on working days, the return leg, then the LD course and its rest —
 *    no hospital booking delay, since the infusion day was planned with the chain.
 */
export function chainRoute(facilityId: string, profile: ProductProfile, params: ProductParameters, transit: { outboundMs: number; returnMs: number }, marginDays: number): ChainRoute {
  const toFacilityMs = COLLECTION_HOUR * HOUR_MS + typical(params.outboundHoldHours) * HOUR_MS + transit.outboundMs;
  const manufacturing = Object.values(profile.manufacturingDays).reduce((a, d) => a + d, 0);
  const afterLine =
    (typical(params.qcWorkingDays) + typical(params.qaWorkingDays)) * CALENDAR_PER_WORKING_DAY +
    typical(params.returnPickupDays) +
    transit.returnMs / DAY_MS +
    profile.ld.courseDays +
    profile.ld.restDaysMin;
  return {
    facilityId,
    arrivalDays: Math.floor(toFacilityMs / DAY_MS),
    lineDays: Math.ceil(manufacturing) + marginDays,
    infusionDays: Math.ceil(afterLine),
  };
}
