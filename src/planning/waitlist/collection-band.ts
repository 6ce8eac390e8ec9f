import { addDays, type LocalDate } from '../../domain/calendar-day.js';
import { Random } from '../../domain/random.js';

/**
 * The expected collection day of a waiting batch, as a band. Two parts, both from data:
 *  - the greedy plan over today's free capacity, in rank order: if it gives the batch a chain, that
 *    day is the forecast (the next allocator run books it), and the band is that one day;
 *  - otherwise freed capacity must reach it: capacity has been released to the waitlist at λ chains a
 *    day over the last window, and the batch needs `position` releases (each goes to the first in
 *    rank). Modelled as a Poisson process, the wait for the position-th release is Gamma(position,
 *    1/λ); its P10/P50/P90 (seeded draws), plus the median lead from an allocation to its collection
 *    day, give the band. No release in the window: no forecast (null), said so.
 * Weak on purpose and labelled so: it assumes the release rate holds and nobody overtakes the batch.
 */
export interface CollectionBandInput {
  today: LocalDate;
  position: number;
  /** The collection day the greedy plan over today's capacity gives it, if any. */
  plannedDay: LocalDate | null;
  /** Chains released to the waitlist per day, over the window. */
  releasesPerDay: number;
  /** Median days from an allocation to the chain's collection day (0 with no history). */
  leadDays: number;
  windowDays: number;
}

export interface CollectionBand {
  p10: LocalDate | null;
  p50: LocalDate | null;
  p90: LocalDate | null;
  model: 'greedy-replay-with-release-rate';
  basis: string;
}

const DRAWS = 2_000;
const MODEL = 'greedy-replay-with-release-rate' as const;

export function collectionBand(input: CollectionBandInput): CollectionBand {
  if (input.plannedDay) {
    const d = input.plannedDay;
    return { p10: d, p50: d, p90: d, model: MODEL, basis: 'today\'s free capacity, planned greedily in rank order, already holds a chain for it: the next allocation books it' };
  }
  if (!(input.releasesPerDay > 0)) {
    return { p10: null, p50: null, p90: null, model: MODEL, basis: `no chain fits today's capacity and none was released to the waitlist in the last ${input.windowDays} days: no forecast` };
  }
  // Seeded by the inputs, so the same list gives the same band on every read.
  const random = new Random(input.position * 7919 + Math.round(input.releasesPerDay * 1e4));
  const waits = Array.from({ length: DRAWS }, () => random.gamma(input.position, 1 / input.releasesPerDay)).sort((a, b) => a - b);
  const at = (q: number) => addDays(input.today, Math.ceil(waits[Math.floor(q * (DRAWS - 1))]! + input.leadDays));
  return {
    p10: at(0.1), p50: at(0.5), p90: at(0.9), model: MODEL,
    basis: `no chain fits today's capacity; ${round(input.releasesPerDay * 7)} chains a week were released to the waitlist over the last ${input.windowDays} days, position ${input.position} needs that many, then ${input.leadDays} days from allocation to collection`,
  };
}

const round = (x: number) => Number(x.toFixed(2));
