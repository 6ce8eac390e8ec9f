import { manufacturingDays } from '../../domain/batch/journey.js';
import { HOUR_MS, DAY_MS } from '../../domain/durations.js';
import type { ChainRoute } from '../../domain/planning/problem.js';
import type { ProductProfile } from '../../domain/profile.js';

/**
 * A chain's fixed offsets, in whole days, from the product profile's nominal durations. Days are
 * rounded up: a 20-hour outbound leg means the line starts the day after collection. A fresh
 * product whose nominal transit already exceeds its stability window has no route at all.
 */
export interface ChainOffsets {
  arrivalDays: number;
  lineDays: number;
  /** Return transit, in days (part of infusionDays): when the product is at the treatment centre. */
  returnDays: number;
  infusionDays: number;
  /** Days after the earliest infusion the product may still be infused (receipt + maxDaysReceiptToInfusion). */
  latestInfusionAfterDays: number;
}

const hoursToDays = (hours: number) => Math.ceil((hours * HOUR_MS) / DAY_MS);

export function chainOffsets(profile: ProductProfile): ChainOffsets | null {
  const outbound = profile.legs.outbound;
  if (profile.startingMaterial === 'fresh' && outbound.nominalHours > outbound.stabilityHours) return null;
  const returnDays = hoursToDays(profile.legs.return.nominalHours);
  const ldDays = profile.ld.courseDays + profile.ld.restDaysMin;
  return {
    arrivalDays: hoursToDays(outbound.nominalHours),
    lineDays: Math.ceil(manufacturingDays({ profile })),
    returnDays,
    infusionDays: returnDays + ldDays,
    latestInfusionAfterDays: Math.max(0, Math.floor(profile.maxDaysReceiptToInfusion) - ldDays),
  };
}

/** The same offsets through each facility (no per-facility transit data exists yet). */
export function chainRoutes(profile: ProductProfile, facilityIds: readonly string[]): ChainRoute[] {
  const offsets = chainOffsets(profile);
  if (!offsets) return [];
  const { arrivalDays, lineDays, infusionDays } = offsets;
  return [...facilityIds].sort().map((facilityId) => ({ facilityId, arrivalDays, lineDays, infusionDays }));
}
