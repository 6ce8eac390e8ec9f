import { ApplicationFailure } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CapacityRelease } from '../../activities/deps.js';
import { manufacturingSlotActivities } from '../../activities/manufacturing-slots.js';
import { slotChainActivities } from '../../activities/slot-chains.js';
import { capacityExceptions, manufacturingSlots, slotChains } from '../../src/db/schema/index.js';
import { addDays } from '../../src/domain/calendar-day.js';
import { bookChain, type DatedChain } from '../../src/planning/capacity/index.js';
import { capacityFixture } from '../planning/capacity/fixture.js';

/** The chain activities on the real database: what the batch workflow calls when it confirms, re-plans or gives back its chain. */
const f = capacityFixture({ apheresis: { collectionsPerDay: 2, collectionDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, facility: { manufacturingLines: 1 } });
const released: CapacityRelease[] = [];
const deps = { db: f.db, pool: f.pool, afterCapacityReleased: async (r: CapacityRelease) => void released.push(r) };
const chains = slotChainActivities(deps);
const slots = manufacturingSlotActivities(deps);

// Days from today (UTC), so a re-plan's horizon (counted from now) reaches them.
const TODAY = new Date().toISOString().slice(0, 10);
const day = (n: number) => addDays(TODAY, n);
const chainFrom = (n: number, lineDays = 14): DatedChain => ({
  collectionDay: day(n), facilityId: f.ids.facility, lineStartDay: day(n + 1), lineEndDay: day(n + 1 + lineDays), infusionDay: day(n + lineDays + 7),
});
const midday = (n: number) => `${day(n)}T12:00:00.000Z`;
const slotsOf = (batchId: string) => f.db.select({ state: manufacturingSlots.state }).from(manufacturingSlots).where(eq(manufacturingSlots.batchId, batchId));
/** A tstzrange's two ends, as epoch ms. */
const bounds = (range: unknown) => [...String(range).matchAll(/"?([^",[\]()]+)"?/g)].map((m) => Date.parse(m[1]!));
const chainRows = (batchId: string) => f.db.select({ version: slotChains.version, state: slotChains.state }).from(slotChains).where(eq(slotChains.batchId, batchId));

describe('the slot-chain activities on PostgreSQL', () => {
  it('confirm the line held ahead for the real window, idempotently', async () => {
    const batchId = await f.batch();
    await f.db.transaction((tx) => bookChain(tx, batchId, chainFrom(3), 'enrolment'));
    const window = { batchId, from: midday(4), to: midday(18) };
    expect(await chains.confirmChainLine(window)).toEqual({ confirmed: true });
    expect(await chains.confirmChainLine(window)).toEqual({ confirmed: true });
    expect((await slotsOf(batchId)).map((s) => s.state)).toEqual(['reserved']);
    expect((await chainRows(batchId)).map((c) => c.state)).toEqual(['confirmed']);
    // Too late to re-plan (the cells are on their line): the store refuses, and the batch keeps its chain.
    released.length = 0;
    expect(await chains.replanChain({ batchId, earliestDay: day(10), reason: 'collection rescheduled (re-plan 1)' })).toEqual({ chain: expect.objectContaining({ version: 1, collectionDay: day(3) }) });
    expect(released).toEqual([]);
    // Released at QA release (or a failure): the confirmed line is freed, and the waitlist hears of it.
    released.length = 0;
    await slots.releaseManufacturingSlot({ batchId });
    expect((await slotsOf(batchId)).map((s) => s.state)).toEqual(['released']);
    expect(released).toEqual([{ batchId, reason: 'manufacturing line released' }]);
  });

  it('queue cells too late for their line for the first line that frees, ahead of chains not yet collected', async () => {
    const late = await f.batch();
    const next = await f.batch();
    await f.db.transaction((tx) => bookChain(tx, late, chainFrom(30), 'enrolment'));
    // The only line is held ahead by the next patient from the day the late batch's line was to end.
    await f.db.transaction((tx) => bookChain(tx, next, { ...chainFrom(44), lineStartDay: day(45) }, 'enrolment'));
    released.length = 0;
    expect(await chains.confirmChainLine({ batchId: late, from: midday(40), to: midday(54) })).toEqual({ confirmed: true });
    const [nextSlot] = await f.db.select({ during: manufacturingSlots.during }).from(manufacturingSlots).where(eq(manufacturingSlots.batchId, next));
    const lateSlots = await f.db.select({ state: manufacturingSlots.state, during: manufacturingSlots.during }).from(manufacturingSlots).where(eq(manufacturingSlots.batchId, late));
    const queued = lateSlots.find((s) => s.state === 'reserved')!;
    // It starts when the next patient's line held ahead ends.
    expect(bounds(queued.during)[0]).toBe(bounds(nextSlot!.during)[1]);
    expect(released).toEqual([]);
    await slots.releaseManufacturingSlot({ batchId: late });
    await chains.releaseChain({ batchId: next, reason: 'test over' });
  });

  it("answer a lost line (no line frees: the facility's only line is closed) by giving the chain back, so the batch can ask for a free line", async () => {
    const late = await f.batch();
    const next = await f.batch();
    await f.db.transaction((tx) => bookChain(tx, late, chainFrom(30), 'enrolment'));
    await f.db.transaction((tx) => bookChain(tx, next, { ...chainFrom(44), lineStartDay: day(45) }, 'enrolment'));
    // After the next patient's line held ahead, the line is closed: no line frees for the late cells.
    const [closed] = await f.db.insert(capacityExceptions).values({ siteId: f.ids.facility, resource: 'line', line: 'line-1', fromDay: day(55), toDay: day(300), capacity: 0, reason: 'test: requalification', setBy: 'test' }).returning();
    released.length = 0;
    try {
      expect(await chains.confirmChainLine({ batchId: late, from: midday(40), to: midday(54) })).toEqual({ confirmed: false });
      expect((await slotsOf(late)).map((s) => s.state)).toEqual(['released']);
      expect(released).toEqual([{ batchId: late, reason: 'line held ahead lost at receipt' }]);
    } finally {
      await f.db.delete(capacityExceptions).where(eq(capacityExceptions.id, closed!.id));
      await chains.releaseChain({ batchId: next, reason: 'test over' });
    }
  });

  it('re-plan from a later day once per slip, and say when nothing fits (the batch is waitlisted)', async () => {
    const batchId = await f.batch();
    await f.db.transaction((tx) => bookChain(tx, batchId, chainFrom(60), 'enrolment'));
    const slip = { batchId, earliestDay: day(70), reason: 'collection rescheduled (re-plan 1)' };
    const first = await chains.replanChain(slip);
    expect(first.chain).toMatchObject({ version: 2, facilityId: f.ids.facility });
    expect(first.chain!.collectionDay >= day(70)).toBe(true);
    // The activity retried: the same chain, nothing booked twice.
    expect(await chains.replanChain(slip)).toEqual(first);
    expect((await chainRows(batchId)).map((c) => c.state).sort()).toEqual(['booked', 'superseded']);
    expect(await chains.replanChain({ batchId, earliestDay: day(400), reason: 'collection rescheduled (re-plan 2)' })).toEqual({});
    expect((await chainRows(batchId)).every((c) => c.state !== 'booked')).toBe(true);
    await expect(chains.replanChain({ batchId, earliestDay: '2031-02-30', reason: 'x' })).rejects.toBeInstanceOf(ApplicationFailure);
  });

  it('release the chain (collection and line held ahead); releasing again changes nothing', async () => {
    const batchId = await f.batch();
    await f.db.transaction((tx) => bookChain(tx, batchId, chainFrom(90), 'enrolment'));
    released.length = 0;
    await chains.releaseChain({ batchId, reason: 'batch cancelled' });
    await chains.releaseChain({ batchId, reason: 'batch cancelled' });
    expect((await slotsOf(batchId)).map((s) => s.state)).toEqual(['released']);
    expect((await chainRows(batchId)).map((c) => c.state)).toEqual(['released']);
    // The hook hears of each call: the allocator behind it must be idempotent.
    expect(released).toEqual([{ batchId, reason: 'batch cancelled' }, { batchId, reason: 'batch cancelled' }]);
  });
});
