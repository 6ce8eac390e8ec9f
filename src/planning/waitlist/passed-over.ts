import type { RankedWaiting } from './ranked-waitlist.js';

/** One entry the allocation went past, as the allocation record names it (no patient data: batch ids). */
export interface PassedOver {
  batchId: string;
  position: number;
  weight: number;
  why: string;
}

/**
 * Who an allocation passed over: the entries ranked ahead of the winner that got no chain in this
 * plan (nothing in the horizon fitted their centre, product or earliest day), and those ranked
 * behind it that still wait. Entries that got chains of their own were not passed over.
 */
export function passedOverFor(winner: RankedWaiting, ranked: readonly RankedWaiting[], chainOf: ReadonlyMap<string, unknown>): PassedOver[] {
  const unplanned = ranked.filter((r) => !chainOf.has(r.entry.batchId));
  const ahead = unplanned.filter((r) => r.rank.position < winner.rank.position);
  const behind = unplanned.filter((r) => r.rank.position > winner.rank.position);
  const named = (side: RankedWaiting[], why: string): PassedOver[] =>
    side.map((r) => ({ batchId: r.entry.batchId, position: r.rank.position, weight: r.rank.weight, why }));
  return [
    ...named(ahead, 'ranked ahead, but no chain in the horizon fits it (its apheresis centre, routes or earliest collection day)'),
    ...named(behind, `ranked behind: ${winner.rank.rule}`),
  ];
}
