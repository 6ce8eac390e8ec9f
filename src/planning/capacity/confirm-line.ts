import { and, eq } from 'drizzle-orm';
import { manufacturingSlots, slotChains } from '../../db/schema/index.js';
import { REAL_CLOCK, type PlanClock } from '../../domain/batch/journey.js';
import { addDays, localDateOf } from '../../domain/calendar-day.js';
import { isExclusionViolation } from '../../db/sql-state.js';
import { insertSlotOnAnyLine, linesForWindow } from './book-chain.js';
import { siteRows } from './capacity-rows.js';
import { slotWhenALineFrees } from './later-line.js';
import { CHAIN_ERR, ChainError, chainUnavailable } from './chain-errors.js';
import type { Tx } from './db.js';
import { liveChain, lockBatch } from './live-chain.js';

export interface ConfirmedLine {
  slotId: string;
  line: string;
  /** True when the line held ahead could not take the real window and another free line did. */
  moved: boolean;
}

/**
 * The cells have arrived: the line held ahead becomes 'reserved' for the real window [from, to).
 * If that window no longer fits its line (the cells came late and a neighbour holds the days),
 * another usable line is tried under the exclusion constraint, then the first window on any line
 * once a held slot ends (the cells wait for it); if none is free, a clear ERR_CHAIN_UNAVAILABLE and
 * nothing changed. Idempotent: a confirmed chain returns its line.
 */
export async function confirmLineAtReceipt(tx: Tx, batchId: string, window: { from: string | Date; to: string | Date }, clock: PlanClock = REAL_CLOCK): Promise<ConfirmedLine> {
  const [from, to] = [new Date(window.from), new Date(window.to)];
  if (!(to.getTime() > from.getTime())) throw new RangeError(`A line window must end after it starts (${String(window.from)} → ${String(window.to)}).`);
  await lockBatch(tx, batchId);
  const live = await liveChain(tx, batchId);
  if (!live?.manufacturingSlotId) throw new ChainError(CHAIN_ERR.CONFLICT, 'chain', `Batch ${batchId} holds no slot chain with a line to confirm.`);
  const slotId = live.manufacturingSlotId;
  if (live.state === 'confirmed') return { slotId, line: live.line!, moved: false };

  const during = `[${from.toISOString()},${to.toISOString()})`;
  const confirmed = await tx.transaction(async (sp) => {
    try {
      await sp.transaction((inner) => inner.update(manufacturingSlots).set({ state: 'reserved', during }).where(eq(manufacturingSlots.id, slotId)));
      return { slotId, line: live.line!, moved: false };
    } catch (err) {
      if (!isExclusionViolation(err)) throw err;
    }
    // Free our own hold first so it cannot stand in the way, then take any line the window fits.
    await sp.update(manufacturingSlots).set({ state: 'released' }).where(and(eq(manufacturingSlots.id, slotId), eq(manufacturingSlots.state, 'reserved-ahead')));
    const [facility] = await siteRows(sp, [live.facilityId]);
    const zone = facility!.timezone;
    // The window is real; the days whose exceptions rule a line out are the plan's (simulated on a compressed clock).
    const dateOf = (ms: number) => localDateOf(clock.simulatedAt(ms), zone);
    const { lines } = await linesForWindow(sp, live.facilityId, dateOf(from.getTime()), addDays(dateOf(to.getTime() - 1), 1));
    const moved =
      (await insertSlotOnAnyLine(sp, { batchId, facilityId: live.facilityId, during, state: 'reserved' }, lines))?.slotId ??
      // No line takes the cells now: they queue for the first line that frees, ahead of any chain not yet booked.
      (await slotWhenALineFrees(sp, { batchId, facilityId: live.facilityId, from, lengthMs: to.getTime() - from.getTime() }, dateOf))?.slotId;
    if (!moved) throw chainUnavailable('line', `No line at ${live.facilityId} is free for batch ${batchId}'s real window ${from.toISOString()} → ${to.toISOString()}; its line held ahead stays as it was.`);
    const [row] = await sp.select({ line: manufacturingSlots.line }).from(manufacturingSlots).where(eq(manufacturingSlots.id, moved));
    return { slotId: moved, line: row!.line, moved: true };
  });
  await tx.update(slotChains).set({ state: 'confirmed', manufacturingSlotId: confirmed.slotId }).where(eq(slotChains.id, live.chainId));
  return confirmed;
}
