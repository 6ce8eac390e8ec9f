import { type ProductProfile } from './profile.js';
import { DAY_MS, HOUR_MS } from './durations.js';
import type { Stage } from './stages.js';

/**
 * The turnaround baseline the forecasting models must beat: when will this batch be RELEASED?
 * Pure arithmetic, so it is tested without a database. Durations are epoch-millisecond spans of
 * workflow (wall-clock) time, i.e. already compressed by the time scale.
 */

/** Below this many completed histories an empirical quantile says more about noise than about the product. */
export const EMPIRICAL_MIN_SAMPLES = 5;

/** The nominal band around the profile's durations: real journeys run late more often than early. */
export const NOMINAL_P10_FACTOR = 0.85;
export const NOMINAL_P90_FACTOR = 1.3;

export interface TurnaroundQuantiles {
  method: 'empirical-baseline' | 'profile-nominal';
  /** Milliseconds from entering the stage until RELEASED. */
  p10Ms: number;
  p50Ms: number;
  p90Ms: number;
  sampleSize: number;
}

/** Quantile with linear interpolation between order statistics (R type 7, NumPy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of an empty sample');
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Real-world hours the profile expects from entering `stage` until release. Stages past release
 * (and CANCELLED) have nothing left; ON_HOLD and FAILED may restart the journey, so they get the
 * whole of it: a conservative answer, not a precise one.
 */
export function nominalHoursToRelease(profile: ProductProfile, stage: Stage): number {
  const manufacturing = Object.values(profile.manufacturingDays).reduce((sum, days) => sum + days, 0) * (DAY_MS / HOUR_MS);
  const qc = profile.qcDays * (DAY_MS / HOUR_MS);
  const outbound = profile.legs.outbound.nominalHours;
  switch (stage) {
    case 'ORDERED':
    case 'APHERESIS_SCHEDULED':
    case 'COLLECTED':
    case 'OUTBOUND_TRANSIT':
    case 'ON_HOLD':
    case 'FAILED':
      return outbound + manufacturing + qc;
    case 'RECEIVED_AT_FACILITY':
    case 'MANUFACTURING':
      return manufacturing + qc;
    case 'QC_TESTING':
      return qc;
    case 'AWAITING_QA_RELEASE':
    case 'RELEASED':
    case 'RETURN_TRANSIT':
    case 'RECEIVED_AT_SITE':
    case 'INFUSION_SCHEDULED':
    case 'INFUSED':
    case 'COMPLETED':
    case 'CANCELLED':
      return 0;
  }
}

/**
 * Empirical quantiles of `samplesMs` (each: stage entered → RELEASED for one earlier batch of the
 * product) once there are enough of them; otherwise the profile's nominal time, scaled.
 */
export function turnaroundQuantiles(input: {
  profile: ProductProfile;
  stage: Stage;
  timeScale: number;
  samplesMs: readonly number[];
}): TurnaroundQuantiles {
  const { samplesMs } = input;
  if (samplesMs.length >= EMPIRICAL_MIN_SAMPLES) {
    const sorted = [...samplesMs].sort((a, b) => a - b);
    return {
      method: 'empirical-baseline',
      p10Ms: quantile(sorted, 0.1),
      p50Ms: quantile(sorted, 0.5),
      p90Ms: quantile(sorted, 0.9),
      sampleSize: sorted.length,
    };
  }
  const nominalMs = (nominalHoursToRelease(input.profile, input.stage) * HOUR_MS) / input.timeScale;
  return {
    method: 'profile-nominal',
    p10Ms: nominalMs * NOMINAL_P10_FACTOR,
    p50Ms: nominalMs,
    p90Ms: nominalMs * NOMINAL_P90_FACTOR,
    sampleSize: samplesMs.length,
  };
}
