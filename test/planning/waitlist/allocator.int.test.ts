import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyCustodyChains } from '../../../src/db/audit.js';
import { batches, custodyEvents, sites, slotChains, waitlistAllocations, waitlistEntries, workflowSignals } from '../../../src/db/schema/index.js';
import { releaseChain } from '../../../src/planning/capacity/index.js';
import { allocateFreedCapacity } from '../../../src/planning/waitlist/allocator.js';
import { databaseCapacity } from '../../../src/planning/waitlist/database-capacity.js';
import { joinWaitlist } from '../../../src/planning/waitlist/join-waitlist.js';
import { rankedWaitlist } from '../../../src/planning/waitlist/ranked-waitlist.js';
import { unique } from '../../setup/services.js';
import { waitlistFixture } from './fixture.js';

/** The allocator on the stack's PostgreSQL, with g18-chain's capacity and booking: one chain fits, who gets it and who is passed over. */
const { db, pool, ids, now, activate, waiting } = waitlistFixture();
const ports = { capacity: databaseCapacity };
const allocationsOf = (batchId: string) => db.select().from(waitlistAllocations).where(eq(waitlistAllocations.batchId, batchId));

describe('the waitlist allocator', () => {
  // Enrolled 40, 30, 20 and 10 days ago; `late` cannot be collected before day 85, so no chain fits it.
  let late: string, first: string, urgent: string, critical: string;

  it('ranks the list by each built-in policy', async () => {
    late = await waiting(40, { earliestInDays: 85 });
    first = await waiting(30);
    urgent = await waiting(20, { tier: 'urgent' });
    critical = await waiting(10, { tier: 'critical' });
    const order = async (policyId: string) => {
      await activate(policyId);
      return (await rankedWaitlist(db, now)).ranked.map((r) => r.entry.batchId);
    };
    expect(await order('first-come')).toEqual([late, first, urgent, critical]);
    expect(await order('urgency')).toEqual([critical, urgent, late, first]);
    // 0.2 a whole week waited: 40 days → +1.0, 30 → +0.8, 20 → +0.4, 10 → +0.2; tiers do not count under ageing alone.
    const ageing = await (async () => { await activate('ageing'); return (await rankedWaitlist(db, now)).ranked; })();
    expect(ageing.map((r) => [r.entry.batchId, r.rank.weight])).toEqual([[late, 2], [first, 1.8], [urgent, 1.4], [critical, 1.2]]);
    expect(ageing[0]!.rank.rule).toBe('waited 5 weeks +1');
    expect(await order('urgency-ageing-fair-share')).toEqual([critical, urgent, late, first]);
    await activate('first-come');
  });

  it('books the top-ranked order a chain fits, and records who was passed over, by which rule and policy version', async () => {
    // Two allocators at once: the database lets one allocate.
    const runs = await Promise.all([allocateFreedCapacity(db, ports, { now, reason: 'test: line freed' }), allocateFreedCapacity(db, ports, { now, reason: 'test: line freed' })]);
    const allocated = runs.flatMap((r) => r.allocated);
    expect(allocated.map((a) => a.batchId)).toEqual([first]);
    expect(runs[0]!.policy).toMatchObject({ policyId: 'first-come', version: 1 });

    const [record] = await allocationsOf(first);
    expect(record).toMatchObject({ position: 2, policyId: 'first-come', policyVersion: 1, chainVersion: 1, reason: 'test: line freed' });
    const passed = record!.passedOver as { batchId: string; position: number; why: string }[];
    expect(passed.map((p) => [p.batchId, p.position])).toEqual([[late, 1], [urgent, 3], [critical, 4]]);
    expect(passed[0]!.why).toMatch(/ranked ahead, but no chain/);
    expect(passed[1]!.why).toMatch(/ranked behind/);

    const [chain] = await db.select().from(slotChains).where(eq(slotChains.batchId, first));
    expect(chain).toMatchObject({ version: 1, state: 'booked', reason: 'waitlist' });
    expect(record!.chain).toMatchObject({ collectionDay: chain!.collectionDay, lineStartDay: chain!.lineStartDay, infusionDay: chain!.infusionDay });
    const [entry] = await db.select().from(waitlistEntries).where(eq(waitlistEntries.batchId, first));
    expect(entry!.state).toBe('allocated');

    const [signal] = await db.select().from(workflowSignals).where(eq(workflowSignals.workflowId, `batch:${first}`));
    expect(signal).toMatchObject({ signal: 'chain-allocated', workflowKind: 'batch', payload: { version: 1, facilityId: chain!.facilityId, collectionDay: chain!.collectionDay } });

    const audit = (await db.select().from(custodyEvents).where(eq(custodyEvents.batchId, first))).find((r) => r.kind === 'allocation');
    expect(audit!.data).toMatchObject({ policyId: 'first-come', policyVersion: 1, position: 2, chainVersion: 1, passedOverCount: 3 });
    expect((await verifyCustodyChains(pool, first)).breaks).toEqual([]);
  });

  it('is idempotent: run again, it allocates nothing twice', async () => {
    const again = await allocateFreedCapacity(db, ports, { now, reason: 'test: run again' });
    expect(again.allocated).toEqual([]);
    expect(await allocationsOf(first)).toHaveLength(1);
    expect((await db.select().from(workflowSignals).where(eq(workflowSignals.workflowId, `batch:${first}`)))).toHaveLength(1);
  });

  it('gives released capacity to the next by the policy in force: under urgency the critical order, over the earlier ones', async () => {
    await db.transaction((tx) => releaseChain(tx, first, 'test: patient withdrew'));
    await activate('urgency');
    const run = await allocateFreedCapacity(db, ports, { now, reason: 'test: chain released' });
    expect(run.allocated.map((a) => a.batchId)).toEqual([critical]);
    const [record] = await allocationsOf(critical);
    expect(record).toMatchObject({ position: 1, policyId: 'urgency', rule: 'critical ×10' });
    expect((record!.passedOver as { batchId: string }[]).map((p) => p.batchId)).toEqual([urgent, late]);
    expect((await verifyCustodyChains(pool, critical)).breaks).toEqual([]);
    await activate('first-come');
  });

  it('under fair-share, holds back the centre that had the recent allocations', async () => {
    const otherCentre = unique('treatment');
    await db.insert(sites).values({ id: otherCentre, kind: 'treatment_center', name: 'Another cell therapy unit' });
    const [row] = await db.insert(batches).values({
      coiId: `COI-${randomUUID()}`, patientRef: unique('ref'), productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: otherCentre, facilityId: ids.facility,
    }).returning({ id: batches.id });
    await joinWaitlist(db, row!.id, now);
    await activate('fair-share');
    const ranked = (await rankedWaitlist(db, now)).ranked;
    // This file's centre got both allocations above; the newcomer from another centre goes first.
    expect(ranked[0]!.entry.batchId).toBe(row!.id);
    expect(ranked[1]!.rank.weight).toBeLessThan(1);
    expect(ranked[1]!.rank.rule).toMatch(/recent allocations \(fair share/);
    await activate('first-come');
  });

  it('keeps allocation records append-only for the processes', async () => {
    await expect(db.update(waitlistAllocations).set({ position: 9 }).where(eq(waitlistAllocations.batchId, first))).rejects.toThrow();
  });
});
