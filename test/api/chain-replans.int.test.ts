import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/calendar-day.js';
import { replanChain } from '../../src/planning/capacity/index.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';

/** GET /v1/chain-replans on the real database: a re-plan's before, after and what moved, to its sites only. */
const { app, db, ids, identities, enrolled } = stackApp();

describe('GET /v1/chain-replans', () => {
  it('shows a re-planned chain before and after, and what moved', async () => {
    const batch = await enrolled();
    const [first] = await db.query.slotChains.findMany({ where: (c, { eq }) => eq(c.batchId, batch.batchId) });
    const later = addDays(first!.collectionDay, 7);
    const replan = await db.transaction((tx) => replanChain(tx, batch.batchId, { earliestDay: later, reason: 'collection day proposed #1' }));
    expect(replan.chain?.collectionDay).toBe(later);

    const res = await app.inject({ method: 'GET', url: `/v1/chain-replans?batchId=${batch.batchId}` });
    expect(res.statusCode, res.body).toBe(200);
    const [shown, ...more] = res.json().replans;
    expect(more).toEqual([]);
    expect(shown).toMatchObject({ batchId: batch.batchId, coiId: batch.coiId, reason: 'collection day proposed #1', before: { version: 1, collectionDay: first!.collectionDay }, after: { version: 2, collectionDay: later } });
    expect(shown.moved).toContainEqual({ step: 'collection', from: first!.collectionDay, to: later });
    expect(shown.moved.map((m: { step: string }) => m.step)).not.toContain('facility');
  });

  it("shows a scheduler only their treatment centre's re-plans", async () => {
    const batch = await enrolled();
    const [first] = await db.query.slotChains.findMany({ where: (c, { eq }) => eq(c.batchId, batch.batchId) });
    await db.transaction((tx) => replanChain(tx, batch.batchId, { earliestDay: addDays(first!.collectionDay, 3), reason: 'patient not ready #1' }));
    const url = `/v1/chain-replans?batchId=${batch.batchId}`;
    const theirs = await app.inject({ method: 'GET', url, headers: await identities.bearer(userOf('scheduler', [ids.treatment])) });
    expect(theirs.json().replans).toHaveLength(1);
    const elsewhere = await app.inject({ method: 'GET', url, headers: await identities.bearer(userOf('scheduler', ['some-other-centre'])) });
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.json().replans).toEqual([]);
  });

  it('refuses a bad limit, naming it', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/chain-replans?limit=0' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toEqual(['limit']);
  });
});
