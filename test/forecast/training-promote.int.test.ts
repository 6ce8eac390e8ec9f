import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { activate, findModel, registerCandidate, type NewModel } from '../../src/forecast/registry/index.js';
import { promoteIfBetter } from '../../src/forecast/training/index.js';
import { stackConfig, unique } from '../setup/services.js';

const { db, pool } = createDatabase(stackConfig().DATABASE_URL!, { max: 4 });
afterAll(() => pool.end());

// Judged when no model was active: the rule promotes it only while that is still so.
const unjudged = (scope: string): NewModel => ({
  target: 'release_days', scope,
  trainedFrom: new Date('2027-01-01T00:00:00Z'), trainedTo: new Date('2027-06-01T00:00:00Z'),
  features: ['stage'], metrics: { challenge: null }, artifact: {},
});

describe('promoteIfBetter', () => {
  it('promotes the first candidate of a scope, and refuses the next, judged against no model while one is active now', async () => {
    const scope = unique('promote');
    const [a, b] = [await registerCandidate(db, unjudged(scope)), await registerCandidate(db, unjudged(scope))];
    expect(await promoteIfBetter(db, a.id)).toEqual({ promoted: true, reason: `${a.id} is promoted: no model is active for its target and scope.` });
    const refused = await promoteIfBetter(db, b.id);
    expect(refused).toEqual({ promoted: false, reason: expect.stringContaining(`judged against no active model when trained, and ${a.id} is active now`) });
    expect((await findModel(db, b.id))?.state).toBe('candidate');
  });

  it('refuses, in the promotion’s own transaction, a candidate judged against a model that is no longer the active one', async () => {
    const scope = unique('promote');
    const [a, b] = [await registerCandidate(db, unjudged(scope)), await registerCandidate(db, unjudged(scope))];
    await activate(db, a.id);
    await expect(activate(db, b.id, new Date(), null)).rejects.toThrow(`model ${b.id} was judged against no active model, but ${a.id} is active now`);
    expect((await findModel(db, a.id))?.state).toBe('active');
    await expect(promoteIfBetter(db, a.id)).rejects.toThrow(/is active: only a candidate can be promoted/);
  });
});
