import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { alerts, capacityExceptions, custodyEvents, slotChains, waitlistEntries, workflowSignals } from '../../src/db/schema/index.js';
import type { ChainMove, SlotChain } from '../../src/domain/batch/chain-schema.js';
import { Journey, journeyInput } from '../domain/batch/journey-fixtures.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';

/** A capacity exception that takes booked chains' lines moves them, says what moved, and tells their workflows (real database). */
const { app, db, pool, ids, identities, enrolBody } = stackApp();
const exceptionsUrl = `/v1/sites/${ids.facility}/capacity-exceptions`;

interface Enrolled { batchId: string; chain: { version: number; collectionDay: string; lineStartDay: string; lineEndDay: string; infusionDay: string } }

async function enrolTwo(): Promise<[Enrolled, Enrolled]> {
  const enrol = async () => (await app.inject({ method: 'POST', url: '/v1/batches', payload: enrolBody() })).json() as Enrolled;
  return [await enrol(), await enrol()];
}

describe('a capacity exception that closes the lines booked chains hold', () => {
  it('moves both chains (or waitlists one), alerts what moved, queues each workflow its new chain, and answers a retry with its first answer', async () => {
    const [a, b] = await enrolTwo();
    expect(a.chain && b.chain, 'both enrolled with a chain').toBeTruthy();
    const fromDay = a.chain.lineStartDay < b.chain.lineStartDay ? a.chain.lineStartDay : b.chain.lineStartDay;
    const body = { resource: 'line', fromDay, toDay: fromDay, capacity: 0, reason: 'clean room out of specification' };
    const key = randomUUID();
    const coordinator = userOf('coordinator', [ids.facility]);
    const headers = { ...(await identities.bearer(coordinator)), 'idempotency-key': key };
    const res = await app.inject({ method: 'POST', url: exceptionsUrl, payload: body, headers });
    expect(res.statusCode, res.body).toBe(201);
    const answer = res.json();
    const batchIds = [a.batchId, b.batchId].sort();
    expect(answer.affected.map((x: { batchId: string }) => x.batchId).sort()).toEqual(batchIds);
    expect(answer.moved.map((m: { batchId: string }) => m.batchId).sort()).toEqual(batchIds);
    expect(answer.kept).toEqual([]);

    for (const m of answer.moved as { batchId: string; from: { version: number; collectionDay: string }; to: { version: number; collectionDay: string } | null; message: string }[]) {
      const live = await db.select().from(slotChains).where(and(eq(slotChains.batchId, m.batchId), inArray(slotChains.state, ['booked', 'confirmed'])));
      const waiting = await db.select().from(waitlistEntries).where(and(eq(waitlistEntries.batchId, m.batchId), eq(waitlistEntries.state, 'waiting')));
      if (m.to) {
        // The new chain is the live one, from the old collection day on, and its line does not touch the closed day.
        expect(live).toHaveLength(1);
        expect(live[0]).toMatchObject({ version: 2, collectionDay: m.to.collectionDay });
        expect(m.to.collectionDay >= m.from.collectionDay).toBe(true);
        expect(live[0]!.lineStartDay > fromDay || live[0]!.lineEndDay <= fromDay).toBe(true);
        expect(m.message).toContain(`collection ${m.from.collectionDay} → ${m.to.collectionDay}`);
      } else {
        expect(live).toEqual([]);
        expect(waiting).toHaveLength(1);
        expect(m.message).toContain('waiting');
      }
      // The alert says what moved, and a coordinator of the batch's apheresis centre sees it.
      const seen = await app.inject({ method: 'GET', url: `/v1/alerts?batchId=${m.batchId}&kind=chain-replanned`, headers: await identities.bearer(userOf('coordinator', [ids.apheresis])) });
      expect(seen.json().alerts).toEqual([expect.objectContaining({ severity: 'warning', message: `Chain re-planned (line down): ${m.message}` })]);
      const elsewhere = await app.inject({ method: 'GET', url: `/v1/alerts?batchId=${m.batchId}`, headers: await identities.bearer(userOf('coordinator', ['another-site'])) });
      expect(elsewhere.json().alerts).toEqual([]);
      // The workflow is told once, and the journey holding version 1 takes it (the same decider the workflow runs).
      const signals = await db.select().from(workflowSignals).where(eq(workflowSignals.workflowId, `batch:${m.batchId}`));
      const moves = signals.filter((s) => s.signal === 'chain-moved');
      expect(moves).toHaveLength(1);
      expect(moves[0]!.payload).toMatchObject({ from: 1, why: 'line down', chain: m.to ? { version: 2, collectionDay: m.to.collectionDay } : null });
      expect(JSON.stringify(moves[0]!.payload)).not.toMatch(/patientRef|ref-/);
      const enrolled = [a, b].find((x) => x.batchId === m.batchId)!;
      const journey = new Journey(journeyInput(undefined, { chain: { ...(enrolled.chain as SlotChain), facilityId: ids.facility } }));
      const move = moves[0]!.payload as ChainMove;
      expect(journey.send({ type: 'chain-moved', move }).events.map((e) => e.type)).toEqual(['chain-moved']);
      expect(journey.state.chain).toEqual(move.chain ? { status: 'held', current: move.chain } : { status: 'waitlisted' });
      // The move is on the batch's custody chain, by the coordinator who set the exception, and the chain still verifies.
      const records = await db.select().from(custodyEvents).where(and(eq(custodyEvents.batchId, m.batchId), eq(custodyEvents.kind, 'chain-moved')));
      expect(records).toEqual([expect.objectContaining({ actorName: coordinator.name, actorRole: 'coordinator' })]);
      expect((await verifyCustodyChains(pool, m.batchId)).breaks).toEqual([]);
    }

    // The retry with the same key answers as the first time and changes nothing.
    const counts = async () => ({
      exceptions: (await db.select().from(capacityExceptions).where(eq(capacityExceptions.siteId, ids.facility))).length,
      alerts: (await db.select().from(alerts).where(inArray(alerts.batchId, batchIds))).length,
      chains: (await db.select().from(slotChains).where(inArray(slotChains.batchId, batchIds))).length,
      signals: (await db.select().from(workflowSignals).where(inArray(workflowSignals.workflowId, batchIds.map((id) => `batch:${id}`)))).length,
      records: (await db.select().from(custodyEvents).where(inArray(custodyEvents.batchId, batchIds))).length,
    });
    const before = await counts();
    const retry = await app.inject({ method: 'POST', url: exceptionsUrl, payload: body, headers });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json()).toEqual(answer);
    expect(await counts()).toEqual(before);
    // The same key with another body is refused, naming the header.
    const other = await app.inject({ method: 'POST', url: exceptionsUrl, payload: { ...body, reason: 'another' }, headers });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.details[0].path).toEqual(['idempotency-key']);
    expect(await counts()).toEqual(before);
  });
});

