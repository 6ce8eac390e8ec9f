import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrainActivities } from '../../activities/retrain.js';
import type { RetrainOutcome } from '../../activities/retrain-types.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { ensureForecastPython } from '../../src/forecast/python-env.js';
import { activeModel } from '../../src/forecast/registry/index.js';
import { clearSeed, runHistory } from '../../src/sim/history/run-history.js';
import { repoRoot, stackPaths } from '../../src/stack/paths.js';
import { workflowsUnderTest } from '../workflows/worker.js';
import { stackConfig, unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';

// This file's twin history; its models go under a scope of its own, so no other test's active model is met.
const SEED = 881_301;
const config = stackConfig();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 4 });
const scope = unique('retrain');
const taskQueue = unique('retrain');
const jobs = [{ kind: 'turnaround', target: 'release_days' }, { kind: 'maintenance', equipmentKind: 'bioreactor' }] as const;
const temporal = useTemporalClient();

beforeAll(async () => {
  await runHistory(pool, { scenarioFile: `${repoRoot}/scenarios/baseline.json`, batches: 600, seed: SEED });
}, 120_000);
afterAll(async () => {
  await clearSeed(pool, SEED);
  await pool.end();
});

describe('the weekly retraining workflow, on a real worker', () => {
  it('trains a candidate per model, promotes it where nothing is active, and judges the next week’s candidate against it', async () => {
    const workerConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
    const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
    const worker = await Worker.create({
      connection: workerConnection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, ...workflowsUnderTest(),
      activities: retrainActivities({ db, python: async () => python }),
    });
    const run = (week: number) =>
      temporal.client.workflow.execute('retrainForecastsWorkflow', { taskQueue, workflowId: `${taskQueue}-week-${week}`, args: [{ source: 'simulated', seed: SEED, scope, jobs }] }) as Promise<RetrainOutcome[]>;
    try {
      const [first, second] = await worker.runUntil(async () => [await run(1), await run(2)]);

      expect(first.map((o) => o.candidates.length)).toEqual([1, 2]);
      expect(first.flatMap((o) => o.promoted)).toEqual(first.flatMap((o) => o.candidates));
      expect((await activeModel(db, 'release_days', scope))?.id).toBe(first[0]!.candidates[0]);
      expect((await activeModel(db, 'equipment_failure_7d', `${scope}:bioreactor`))?.id).toBe(first[1]!.candidates[0]);

      // The same history a week later: each new candidate is judged against the model promoted the
      // week before, and does not replace it: for turnaround no landmark came after that model's
      // window (no evidence), for maintenance the same days give the same model (no better).
      expect(second.flatMap((o) => o.promoted)).toEqual([]);
      second.forEach((outcome, i) => {
        expect(outcome.candidates).toHaveLength(first[i]!.candidates.length);
        outcome.reasons.forEach((reason, j) => {
          expect(reason).toContain('not promoted: ');
          expect(reason).toContain(first[i]!.candidates[j]);
        });
      });
      expect(second[0]!.reasons[0]).toMatch(/fewer than the 100 the rule needs/);
      expect(second[1]!.reasons[0]).toMatch(/does not beat the active model: Brier score/);
      expect((await activeModel(db, 'release_days', scope))?.id).toBe(first[0]!.candidates[0]);
    } finally {
      await workerConnection.close();
    }
  }, 300_000);
});
