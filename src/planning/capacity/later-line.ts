import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { manufacturingSlots } from '../../db/schema/index.js';
import { addDays } from '../../domain/calendar-day.js';
import { insertSlotOnAnyLine, linesForWindow } from './book-chain.js';
import type { Tx } from './db.js';

/** How many later starts are tried: each is the end of a held slot, so this many lines freeing in turn. */
const LATER_STARTS = 60;

/**
 * Cells that arrived too late for their line held ahead must not wait for a line free from *now*:
 * the waitlist's chains hold lines back to back ahead of time, so a window starting now never fits
 * and the batch would be starved by patients not yet collected. Instead it queues for the first
 * line that frees: each later start tried is the end of a slot held at the facility, earliest first,
 * and the exclusion constraint decides as everywhere else. The slot id and the window it got, or
 * null when no line frees within the slots held now.
 */
export async function slotWhenALineFrees(
  tx: Tx,
  values: { batchId: string; facilityId: string; from: Date; lengthMs: number },
  dateOf: (ms: number) => string,
): Promise<{ slotId: string; from: Date; to: Date } | null> {
  const ends = await tx
    .selectDistinct({ end: sql<string>`upper(${manufacturingSlots.during})`.as('slot_end') })
    .from(manufacturingSlots)
    .where(and(eq(manufacturingSlots.facilityId, values.facilityId), inArray(manufacturingSlots.state, ['reserved', 'reserved-ahead']), gt(sql`upper(${manufacturingSlots.during})`, values.from)))
    .orderBy(asc(sql`slot_end`))
    .limit(LATER_STARTS);
  for (const { end } of ends) {
    const from = new Date(end);
    const to = new Date(from.getTime() + values.lengthMs);
    const { lines } = await linesForWindow(tx, values.facilityId, dateOf(from.getTime()), addDays(dateOf(to.getTime() - 1), 1));
    const during = `[${from.toISOString()},${to.toISOString()})`;
    const slot = await insertSlotOnAnyLine(tx, { batchId: values.batchId, facilityId: values.facilityId, during, state: 'reserved' }, lines);
    if (slot) return { slotId: slot.slotId, from, to };
  }
  return null;
}
