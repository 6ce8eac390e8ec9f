import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { activate, activeModel, listModels, registerCandidate, type NewModel } from '../../src/forecast/registry/index.js';
import { stackConfig, unique } from '../setup/services.js';

const { db, pool } = createDatabase(stackConfig().DATABASE_URL!, { max: 4 });
afterAll(() => pool.end());

// Each test registers under a scope of its own: models are global, one active per target and scope.
const trained = (scope: string): NewModel => ({
  target: 'release_days', scope,
  trainedFrom: new Date('2027-01-01T00:00:00Z'), trainedTo: new Date('2027-06-01T00:00:00Z'),
  features: ['stage', 'attempt'], metrics: { pinball: 1.5 }, artifact: { trees: [] },
});

describe('the model registry', () => {
  it('numbers the versions of a target and scope, and a promotion retires the model it replaces', async () => {
    const scope = unique('registry');
    const first = await registerCandidate(db, trained(scope));
    const second = await registerCandidate(db, trained(scope));
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first.id).toBe(`release_days:${scope}:v1`);
    expect(await activeModel(db, 'release_days', scope)).toBeUndefined();

    await activate(db, first.id);
    expect((await activeModel(db, 'release_days', scope))?.id).toBe(first.id);
    const { retired } = await activate(db, second.id);
    expect(retired?.id).toBe(first.id);
    expect((await activeModel(db, 'release_days', scope))?.id).toBe(second.id);

    const listed = (await listModels(db, 'release_days')).filter((m) => m.scope === scope);
    expect(listed.map((m) => [m.version, m.state])).toEqual([[2, 'active'], [1, 'retired']]);
    expect(listed[0]).not.toHaveProperty('artifact');
  });

  it('takes versions one at a time when trainings register at once, and promotes only candidates', async () => {
    const scope = unique('registry');
    const rows = await Promise.all(Array.from({ length: 5 }, () => registerCandidate(db, trained(scope))));
    expect(rows.map((r) => r.version).sort()).toEqual([1, 2, 3, 4, 5]);
    await activate(db, rows[0]!.id);
    await activate(db, rows[1]!.id);
    await expect(activate(db, rows[0]!.id)).rejects.toThrow(/retired: only a candidate/);
    await expect(activate(db, 'release_days:nowhere:v9')).rejects.toThrow(/does not exist/);
  });
});
