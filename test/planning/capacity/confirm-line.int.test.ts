import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { manufacturingSlots } from '../../../src/db/schema/index.js';
import { bookChain, confirmLineAtReceipt, liveChain, type DatedChain } from '../../../src/planning/capacity/index.js';
import { capacityFixture } from './fixture.js';

/** Confirming at receipt when the cells came late: the window no longer fits the line held ahead, another line takes it. */
const f = capacityFixture({ apheresis: { collectionDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, facility: { manufacturingLines: 2 } });
const chainOn = (collectionDay: string, lineStartDay: string, lineEndDay: string, infusionDay: string): DatedChain => ({ collectionDay, facilityId: f.ids.facility, lineStartDay, lineEndDay, infusionDay });

describe('confirmLineAtReceipt', () => {
  it('moves to a free line when the real window runs into the next chain on its own line', async () => {
    const [late, next] = [await f.batch(), await f.batch()];
    await f.db.transaction((tx) => bookChain(tx, late, chainOn('2032-04-01', '2032-04-02', '2032-04-16', '2032-04-22'), 'enrolment'));
    await f.db.transaction((tx) => bookChain(tx, next, chainOn('2032-04-16', '2032-04-17', '2032-05-01', '2032-05-07'), 'enrolment'));
    const before = await liveChain(f.db, late);
    expect(before?.line).toBe('line-1');
    expect((await liveChain(f.db, next))?.line).toBe('line-1');

    const confirmed = await f.db.transaction((tx) => confirmLineAtReceipt(tx, late, { from: '2032-04-04T09:00:00Z', to: '2032-04-18T09:00:00Z' }));
    expect(confirmed).toMatchObject({ line: 'line-2', moved: true });
    const slots = await f.db.select().from(manufacturingSlots).where(eq(manufacturingSlots.batchId, late));
    expect(slots.map((s) => [s.line, s.state]).sort()).toEqual([['line-1', 'released'], ['line-2', 'reserved']]);
    expect(await liveChain(f.db, late)).toMatchObject({ state: 'confirmed', line: 'line-2', manufacturingSlotId: confirmed.slotId });
    // Asked again (a retried activity), it answers the same and changes nothing.
    await expect(f.db.transaction((tx) => confirmLineAtReceipt(tx, late, { from: '2032-04-04T09:00:00Z', to: '2032-04-18T09:00:00Z' }))).resolves.toMatchObject({ slotId: confirmed.slotId, line: 'line-2' });
  });
});

/** One line only: cells that came too late for it queue for it instead of losing it to chains booked later. */
const single = capacityFixture({ apheresis: { collectionDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, facility: { manufacturingLines: 1 } });
const singleChain = (collectionDay: string, lineStartDay: string, lineEndDay: string, infusionDay: string): DatedChain => ({ collectionDay, facilityId: single.ids.facility, lineStartDay, lineEndDay, infusionDay });

describe('confirmLineAtReceipt with no other line', () => {
  it('reserves the line from when the slot in the way ends, not ERR_CHAIN_UNAVAILABLE', async () => {
    const [late, next] = [await single.batch(), await single.batch()];
    await single.db.transaction((tx) => bookChain(tx, late, singleChain('2032-04-01', '2032-04-02', '2032-04-16', '2032-04-22'), 'enrolment'));
    await single.db.transaction((tx) => bookChain(tx, next, singleChain('2032-04-16', '2032-04-17', '2032-05-01', '2032-05-07'), 'enrolment'));

    const confirmed = await single.db.transaction((tx) => confirmLineAtReceipt(tx, late, { from: '2032-04-04T09:00:00Z', to: '2032-04-18T09:00:00Z' }));
    expect(confirmed).toMatchObject({ line: 'line-1', moved: true });
    const [slot] = await single.db.select().from(manufacturingSlots).where(eq(manufacturingSlots.id, confirmed.slotId));
    // The same length (14 days), from the end of the next chain's line held ahead; the next chain keeps its line.
    expect(slot).toMatchObject({ state: 'reserved', line: 'line-1' });
    expect(String(slot!.during)).toMatch(/2032-05-01.*2032-05-15/);
    expect((await liveChain(single.db, next))?.line).toBe('line-1');
    expect(await liveChain(single.db, late)).toMatchObject({ state: 'confirmed', manufacturingSlotId: confirmed.slotId });
  });
});
