import { eq, max } from 'drizzle-orm';
import { batches, collectionBookings, manufacturingSlots, slotChains } from '../../db/schema/index.js';
import { REAL_CLOCK, type PlanClock } from '../../domain/batch/journey.js';
import { datesFrom, addDays, startOfDay } from '../../domain/calendar-day.js';
import { isExclusionViolation, isUniqueViolation } from '../../db/sql-state.js';
import { exceptionRows, maintenanceLines, siteRows } from './capacity-rows.js';
import { CHAIN_ERR, ChainError, chainUnavailable } from './chain-errors.js';
import type { Tx } from './db.js';
import { collectionSlots, usableLines } from './day-capacity.js';
import { liveChain, lockBatch, type ChainRecord } from './live-chain.js';
import type { DatedChain } from './plan-calendar.js';
import { takeTurnAt } from './take-turn.js';
import { tryUnit } from './try-unit.js';

/**
 * Books a chain for a batch in the caller's transaction: a collection slot at the batch's apheresis
 * centre, a line at the facility held ahead for the window, and the slot_chains row. The database
 * decides races: slot-1…N are tried under the unique index, lines under the exclusion constraint,
 * each in a savepoint; losing every one throws ERR_CHAIN_UNAVAILABLE with nothing of the chain
 * written (the whole booking is itself a savepoint). Idempotent: a batch already holding this chain
 * gets it back; holding another one is a conflict (re-plan instead).
 */
export async function bookChain(tx: Tx, batchId: string, chain: DatedChain, reason: string, clock: PlanClock = REAL_CLOCK): Promise<ChainRecord> {
  if (chain.collectionDay > chain.lineStartDay || chain.lineStartDay >= chain.lineEndDay || chain.infusionDay < chain.lineEndDay) {
    throw new RangeError(`A chain runs collection ≤ line start < line end ≤ infusion (got ${JSON.stringify(chain)}).`);
  }
  const batch = await lockBatch(tx, batchId);
  const live = await liveChain(tx, batchId);
  if (live) {
    if (sameChain(live, chain)) return live;
    throw new ChainError(CHAIN_ERR.CONFLICT, 'chain', `Batch ${batchId} already holds chain v${live.version} (collection ${live.collectionDay}); re-plan it instead of booking another.`);
  }
  await tx.transaction(async (sp) => {
    const collectionBookingId = await takeCollection(sp, batchId, batch.apheresisCenterId, chain.collectionDay);
    const manufacturingSlotId = await takeLineAhead(sp, batchId, chain, clock);
    const [last] = await sp.select({ version: max(slotChains.version) }).from(slotChains).where(eq(slotChains.batchId, batchId));
    await sp.insert(slotChains).values({ batchId, version: (last?.version ?? 0) + 1, ...chain, collectionBookingId, manufacturingSlotId, reason });
    if (batch.facilityId !== chain.facilityId) await sp.update(batches).set({ facilityId: chain.facilityId }).where(eq(batches.id, batchId));
  });
  return (await liveChain(tx, batchId))!;
}

const sameChain = (a: DatedChain, b: DatedChain) =>
  a.collectionDay === b.collectionDay && a.facilityId === b.facilityId && a.lineStartDay === b.lineStartDay && a.lineEndDay === b.lineEndDay && a.infusionDay === b.infusionDay;

async function takeCollection(tx: Tx, batchId: string, siteId: string, day: string): Promise<string> {
  const [site] = await siteRows(tx, [siteId]);
  if (!site) throw new Error(`No apheresis centre ${siteId}.`);
  const slots = collectionSlots(site, day, (await exceptionRows(tx, [siteId], day, day)).get(siteId) ?? []);
  for (const slot of slots) {
    const row = await tryUnit(tx, (sp) => sp.insert(collectionBookings).values({ batchId, siteId, day, slot }).returning({ id: collectionBookings.id }), (err) => isUniqueViolation(err, 'collection_bookings_one_per_slot'));
    if (row) return row[0]!.id;
  }
  throw chainUnavailable('collection', `No collection slot is free at ${siteId} on ${day} (${slots.length} open that day, all taken).`);
}

/** Lines usable on every day of the window: an exception or a maintenance ticket on any day rules a line out. */
export async function linesForWindow(tx: Tx, facilityId: string, fromDay: string, toDay: string): Promise<{ lines: string[]; timezone: string }> {
  const [site] = await siteRows(tx, [facilityId]);
  if (!site) throw new Error(`No facility ${facilityId}.`);
  const days = datesFrom(fromDay, addDays(toDay, -1));
  const exceptions = (await exceptionRows(tx, [facilityId], fromDay, toDay)).get(facilityId) ?? [];
  const maintenance = (await maintenanceLines(tx, [facilityId])).get(facilityId) ?? new Set<string>();
  const perDay = days.map((day) => new Set(usableLines(site, day, exceptions, maintenance)));
  const lines = [...(perDay[0] ?? [])].filter((line) => perDay.every((set) => set.has(line)));
  return { lines, timezone: site.timezone };
}

/** Inserts a slot on the first of `lines` the exclusion constraint lets through, taking turns with the facility's other bookings; the slot, or null when none does. */
export async function insertSlotOnAnyLine(
  tx: Tx,
  values: { batchId: string; facilityId: string; during: string; state: 'reserved-ahead' | 'reserved' },
  lines: readonly string[],
): Promise<{ slotId: string; line: string } | null> {
  await takeTurnAt(tx, 'lines', values.facilityId);
  for (const line of lines) {
    const slot = await tryUnit(tx, (sp) => sp.insert(manufacturingSlots).values({ ...values, line }).returning({ slotId: manufacturingSlots.id, line: manufacturingSlots.line }), isExclusionViolation);
    if (slot) return slot[0]!;
  }
  return null;
}

async function takeLineAhead(tx: Tx, batchId: string, chain: DatedChain, clock: PlanClock): Promise<string> {
  const { lines, timezone } = await linesForWindow(tx, chain.facilityId, chain.lineStartDay, chain.lineEndDay);
  // The window runs from the facility's local midnight on the first day to its local midnight after the last,
  // in the plan's calendar, held in real time (a compressed clock's simulated window / its time scale).
  const edge = (day: string) => new Date(clock.realAt(startOfDay(day, timezone))).toISOString();
  const during = `[${edge(chain.lineStartDay)},${edge(chain.lineEndDay)})`;
  const slot = await insertSlotOnAnyLine(tx, { batchId, facilityId: chain.facilityId, during, state: 'reserved-ahead' }, lines);
  if (slot) return slot.slotId;
  throw chainUnavailable('line', `No line at ${chain.facilityId} is free from ${chain.lineStartDay} to ${chain.lineEndDay} (${lines.length} usable, all held).`);
}
