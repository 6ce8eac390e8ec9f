import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { collectionBookings, manufacturingSlots, slotChains } from '../../../src/db/schema/index.js';
import { bookChain, CHAIN_ERR, chainHistory, confirmLineAtReceipt, releaseChain, replanChain, type DatedChain } from '../../../src/planning/capacity/index.js';
import { capacityFixture } from './fixture.js';

/** Booking, releasing, re-planning and confirming a chain: every step idempotent, every race decided by a constraint. */
const f = capacityFixture({ apheresis: { collectionsPerDay: 1, collectionDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, facility: { manufacturingLines: 1 } });
const NOW = Date.parse('2031-03-03T08:00:00Z');
const chainOn = (collectionDay: string, lineStartDay: string, lineEndDay: string, infusionDay: string): DatedChain => ({ collectionDay, facilityId: f.ids.facility, lineStartDay, lineEndDay, infusionDay });
const FIRST = chainOn('2031-03-04', '2031-03-05', '2031-03-19', '2031-03-25');
const tx = <T>(work: Parameters<typeof f.db.transaction<T>>[0]) => f.db.transaction(work);

const rowsOf = async (batchId: string) => ({
  collections: await f.db.select().from(collectionBookings).where(eq(collectionBookings.batchId, batchId)),
  slots: await f.db.select().from(manufacturingSlots).where(eq(manufacturingSlots.batchId, batchId)),
  chains: await f.db.select().from(slotChains).where(eq(slotChains.batchId, batchId)),
});

describe('a slot chain on the database', () => {
  it('books a collection slot, a line held ahead and the chain row; booking again returns the same chain', async () => {
    const batchId = await f.batch();
    const booked = await tx((t) => bookChain(t, batchId, FIRST, 'enrolment'));
    expect(booked).toMatchObject({ version: 1, state: 'booked', collectionSlot: 'slot-1', line: 'line-1', ...FIRST });
    const again = await tx((t) => bookChain(t, batchId, FIRST, 'enrolment'));
    expect(again.chainId).toBe(booked.chainId);
    const rows = await rowsOf(batchId);
    expect(rows.collections).toHaveLength(1);
    expect(rows.slots.map((s) => s.state)).toEqual(['reserved-ahead']);
    expect(rows.chains).toHaveLength(1);

    // Another batch wanting the same day and line loses to the constraints and writes nothing.
    const other = await f.batch();
    await expect(tx((t) => bookChain(t, other, FIRST, 'enrolment'))).rejects.toMatchObject({ code: CHAIN_ERR.UNAVAILABLE, resource: 'collection' });
    await expect(tx((t) => bookChain(t, other, chainOn('2031-03-05', '2031-03-06', '2031-03-20', '2031-03-26'), 'enrolment'))).rejects.toMatchObject({ code: CHAIN_ERR.UNAVAILABLE, resource: 'line' });
    expect(await rowsOf(other)).toEqual({ collections: [], slots: [], chains: [] });

    await tx((t) => releaseChain(t, batchId, 'withdrawn'));
    expect(await tx((t) => releaseChain(t, batchId, 'withdrawn'))).toBeNull();
    const released = await rowsOf(batchId);
    expect(released.collections.map((c) => c.state)).toEqual(['released']);
    expect(released.slots.map((s) => s.state)).toEqual(['released']);
    expect(released.chains.map((c) => c.state)).toEqual(['released']);
    // The freed capacity goes to the next patient.
    await expect(tx((t) => bookChain(t, other, FIRST, 'waitlist'))).resolves.toMatchObject({ line: 'line-1' });
    await tx((t) => releaseChain(t, other, 'test over'));
  });

  it('re-plans from a later day under the same rules, once per slip', async () => {
    const batchId = await f.batch();
    await tx((t) => bookChain(t, batchId, FIRST, 'enrolment'));
    const replan = await tx((t) => replanChain(t, batchId, { earliestDay: '2031-03-10', reason: 'patient not ready (slip 1)', now: NOW }));
    expect(replan.previous).toMatchObject({ version: 1, state: 'superseded' });
    expect(replan.chain).toMatchObject({ version: 2, state: 'booked', collectionDay: '2031-03-10', lineStartDay: '2031-03-11', lineEndDay: '2031-03-25', infusionDay: '2031-03-31' });
    const retried = await tx((t) => replanChain(t, batchId, { earliestDay: '2031-03-10', reason: 'patient not ready (slip 1)', now: NOW }));
    expect(retried.chain?.chainId).toBe(replan.chain!.chainId);
    const history = await chainHistory(f.db, batchId);
    expect(history.map((c) => [c.version, c.state])).toEqual([[2, 'booked'], [1, 'superseded']]);
    const active = await f.db.select().from(collectionBookings).where(and(eq(collectionBookings.batchId, batchId), eq(collectionBookings.state, 'active')));
    expect(active.map((c) => c.day)).toEqual(['2031-03-10']);

    // Beyond the horizon nothing fits: the chain is superseded and the batch waits, holding nothing.
    const none = await tx((t) => replanChain(t, batchId, { earliestDay: '2031-06-01', reason: 'slip 2', now: NOW, horizonDays: 30 }));
    expect(none.chain).toBeNull();
    expect((await rowsOf(batchId)).slots.every((s) => s.state === 'released')).toBe(true);
  });

  it('confirms the line at receipt, moving to a free line when the real window no longer fits; idempotent', async () => {
    const batchId = await f.batch();
    const chain = chainOn('2031-04-01', '2031-04-02', '2031-04-16', '2031-04-22');
    await tx((t) => bookChain(t, batchId, chain, 'enrolment'));
    const confirmed = await tx((t) => confirmLineAtReceipt(t, batchId, { from: '2031-04-02T10:00:00Z', to: '2031-04-15T10:00:00Z' }));
    expect(confirmed).toMatchObject({ line: 'line-1', moved: false });
    const again = await tx((t) => confirmLineAtReceipt(t, batchId, { from: '2031-04-02T10:00:00Z', to: '2031-04-15T10:00:00Z' }));
    expect(again).toEqual(confirmed);
    const rows = await rowsOf(batchId);
    expect(rows.slots.map((s) => s.state)).toEqual(['reserved']);
    expect(rows.chains.map((c) => c.state)).toEqual(['confirmed']);

    // A late arrival whose window runs into the next chain's days on the only line: it still fits, on time.
    const next = await f.batch();
    await tx((t) => bookChain(t, next, chainOn('2031-04-20', '2031-04-21', '2031-05-05', '2031-05-11'), 'enrolment'));
    await expect(tx((t) => confirmLineAtReceipt(t, next, { from: '2031-04-21T10:00:00Z', to: '2031-05-06T10:00:00Z' }))).resolves.toMatchObject({ moved: false });
    const late = await f.batch();
    await tx((t) => bookChain(t, late, chainOn('2031-05-10', '2031-05-11', '2031-05-25', '2031-05-31'), 'enrolment'));
    // Its cells queue for the first line that frees: the one line, when the next chain's real window ends.
    await expect(tx((t) => confirmLineAtReceipt(t, late, { from: '2031-05-06T00:00:00Z', to: '2031-05-20T00:00:00Z' }))).resolves.toMatchObject({ line: 'line-1', moved: true });
    expect((await rowsOf(late)).slots.map((s) => s.state).sort()).toEqual(['released', 'reserved']);
  });
});
