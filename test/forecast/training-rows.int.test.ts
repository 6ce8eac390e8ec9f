import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { landmarkRows, TARGETS, type LandmarkRow } from '../../src/forecast/features/index.js';
import { loadLandmarkRows, type TrainingRow } from '../../src/forecast/training/index.js';
import { clearSeed } from '../../src/sim/history/run-history.js';
import { simulatedIds } from '../../src/sim/history/simulated-ids.js';
import { writeHistory } from '../../src/sim/history/write-history.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { repoRoot } from '../../src/stack/paths.js';
import { stackConfig } from '../setup/services.js';

const url = stackConfig().DATABASE_URL!;
const { db, pool } = createDatabase(url, { max: 4 });
// This file's seed: writing it again replaces what an earlier run left.
const SEED = 881_101;
const history = simulate(loadScenario(`${repoRoot}/scenarios/baseline.json`), { seed: SEED, batches: 400, drain: false });
const ids = simulatedIds(SEED);

beforeAll(async () => {
  await migrateDatabase(url);
  await writeHistory(pool, history);
});
afterAll(async () => {
  await clearSeed(pool, SEED);
  await pool.end();
});

/** The in-memory rows under the database's batch ids, ordered as the loader orders them. */
const asStored = (rows: LandmarkRow[]) =>
  rows.map((r) => ({ ...r, batchId: ids.batch(r.batchId) })).sort((a, b) => a.at.localeCompare(b.at) || `${a.batchId}@${a.at}`.localeCompare(`${b.batchId}@${b.at}`));
const withoutSource = (rows: TrainingRow[]) => rows.map(({ key: _key, facts: _facts, ...row }) => row);

describe('training rows read from PostgreSQL', () => {
  it('equal the rows landmarkRows builds from the same history in memory, field for field, for both targets', async () => {
    const memory = landmarkRows(history);
    for (const { name } of TARGETS) {
      const loaded = await loadLandmarkRows(db, { target: name, source: 'simulated', seed: SEED, until: new Date(history.endAt) });
      expect(loaded.spec).toEqual(memory.spec);
      const expected = asStored(memory.rows.filter((r) => r.targets[name] !== null));
      expect(loaded.rows.length, name).toBeGreaterThan(1_000);
      expect(withoutSource(loaded.rows)).toEqual(expected);
    }
  });

  it('know nothing after `until`: a cut halfway gives the rows of the history cut there, censored the same way', async () => {
    const cut = new Date((Date.parse(history.startAt) + Date.parse(history.endAt)) / 2);
    const loaded = await loadLandmarkRows(db, { target: 'release_days', source: 'simulated', seed: SEED, until: cut });
    const memory = landmarkRows(history, { historyEnd: cut.toISOString(), spec: loaded.spec });
    expect(withoutSource(loaded.rows)).toEqual(asStored(memory.rows.filter((r) => r.targets.release_days !== null)));
    expect(loaded.rows.every((r) => Date.parse(r.outcomeAt.release_days!) <= cut.getTime())).toBe(true);
  });

  it('read the simulated history only when asked: no real row is in it, and a seed keeps to itself', async () => {
    const ours = new Set(history.batches.map((b) => ids.batch(b.input.batchId)));
    const until = new Date(history.endAt);
    const real = await loadLandmarkRows(db, { target: 'release_days', source: 'real', until });
    expect(real.rows.filter((r) => ours.has(r.batchId))).toEqual([]);
    const seeded = await loadLandmarkRows(db, { target: 'release_days', source: 'simulated', seed: SEED, until });
    expect(seeded.rows.filter((r) => !ours.has(r.batchId))).toEqual([]);
    expect(new Set(seeded.rows.map((r) => r.batchId)).size).toBeGreaterThan(250);
  });
});
