import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forecastCommand } from '../../src/cli/forecast-command.js';
import { createDatabase } from '../../src/db/client.js';
import { findModel } from '../../src/forecast/registry/index.js';
import type { CandidateMetrics } from '../../src/forecast/training/index.js';
import { clearSeed, runHistory } from '../../src/sim/history/run-history.js';
import { repoRoot } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';

const config = stackConfig();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
// This file's seed; its models go under a scope of their own, so no other test's active model is met.
const SEED = 881_201;
const scope = unique('forecast-cli');
let printed: string[] = [];

/** Runs `v2v forecast …` in this process and returns what it printed. */
async function v2v(...args: string[]): Promise<string> {
  printed = [];
  await forecastCommand(() => config).exitOverride().parseAsync(args, { from: 'user' });
  return printed.join('\n');
}
const train = (...extra: string[]) => v2v('train', '--target', 'release_days', '--seed', String(SEED), '--scope', scope, ...extra);
const registered = (output: string) => /registered candidate (\S+)/.exec(output)![1]!;
const metricsOf = async (id: string) => (await findModel(db, id))!.metrics as CandidateMetrics;

let halfway: string;
beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const run = await runHistory(pool, { scenarioFile: `${repoRoot}/scenarios/baseline.json`, batches: 600, seed: SEED });
  expect(run.written.rows['landmarks']).toBeGreaterThan(5_000);
  const { rows } = await pool.query<{ from: Date; to: Date }>('select min(at) as from, max(at) as to from landmarks where simulation_seed = $1', [SEED]);
  halfway = new Date((rows[0]!.from.getTime() + rows[0]!.to.getTime()) / 2).toISOString();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await clearSeed(pool, SEED);
  await pool.end();
});

describe('v2v forecast train | list | promote', () => {
  let first: string;
  let weak: string;

  it('trains a candidate from the history in PostgreSQL up to a cut, with its backtest, and lists it', async () => {
    const output = await train('--until', halfway, '--rounds', '20');
    first = registered(output);
    expect(first).toBe(`release_days:${scope}:v1`);
    expect(output).toMatch(/all folds, \d+ cases: P50 MAE [\d.]+ days/);
    expect(output).toContain('no model was active');
    const metrics = await metricsOf(first);
    expect(metrics.until).toBe(halfway);
    expect(metrics.backtest.folds).toHaveLength(3);
    expect(metrics.backtest.folds.every((f) => f.testTo <= new Date(Date.parse(halfway) + 1).toISOString())).toBe(true);
    expect(metrics.backtest.overall.coverage).toBeGreaterThan(0.6);

    const listed = await v2v('list', '--target', 'release_days');
    expect(listed.split('\n').find((l) => l.includes(first))).toMatch(new RegExp(`${first}\\s+release_days\\s+${scope}\\s+candidate\\s+\\d{4}-\\d\\d-\\d\\d → ${halfway.slice(0, 10)}`));
  });

  it('promotes the first candidate, as no model is active', async () => {
    expect(await v2v('promote', first)).toMatch(/is promoted: no model is active/);
    expect((await findModel(db, first))?.state).toBe('active');
  });

  it('refuses a worse candidate, naming both figures on the cases the active model never saw', async () => {
    // One boosting round: little more than each quantile of the training outcomes.
    weak = registered(await train('--rounds', '1'));
    const { challenge } = await metricsOf(weak);
    expect(challenge).toMatchObject({ against: first, unseenAfter: halfway });
    expect(challenge!.cases).toBeGreaterThan(100);
    expect(challenge!.candidate!).toBeGreaterThan(challenge!.active!);
    await expect(v2v('promote', weak)).rejects.toThrow(
      `${weak} is not promoted: it does not beat the active model: mean pinball (days) ${challenge!.candidate!.toFixed(3)} against ${first}'s ${challenge!.active!.toFixed(3)} on the ${challenge!.cases} held-out cases after ${halfway}`,
    );
    expect((await findModel(db, weak))?.state).toBe('candidate');
  });

  it('decides a candidate trained on the whole history by the same rule, a promotion retiring the model it replaces; --force overrides the rule', async () => {
    const next = registered(await train('--rounds', '20'));
    const { challenge } = await metricsOf(next);
    const beats = challenge!.candidate! < challenge!.active!;
    const outcome = v2v('promote', next);
    if (beats) expect(await outcome).toMatch(new RegExp(`promoted over ${first}: mean pinball`));
    else await expect(outcome).rejects.toThrow(/does not beat the active model/);
    expect((await findModel(db, next))?.state).toBe(beats ? 'active' : 'candidate');
    expect((await findModel(db, first))?.state).toBe(beats ? 'retired' : 'active');

    const refused = beats ? weak : next;
    expect(await v2v('promote', refused, '--force')).toMatch(new RegExp(`${refused} is promoted by --force over ${beats ? next : first}, although .* is retired\\.$`));
    expect((await findModel(db, refused))?.state).toBe('active');
  });

  it('trains both maintenance models of an equipment kind from the same history, and promotes them where none is active', async () => {
    const output = await v2v('train', '--target', 'equipment_failure_7d', '--kind', 'bioreactor', '--seed', String(SEED), '--scope', scope, '--rounds', '20');
    const ids = [...output.matchAll(/^(equipment_\S+): candidate/gm)].map((m) => m[1]!);
    expect(ids).toEqual([`equipment_failure_7d:${scope}:v1`, `equipment_rul:${scope}:v1`]);
    expect(output).toMatch(/PR-AUC [\d.]+/);
    for (const id of ids) expect(await v2v('promote', id)).toMatch(/no model is active/);
    expect((await findModel(db, ids[0]!))?.state).toBe('active');
    await expect(v2v('train', '--target', 'equipment_rul', '--seed', String(SEED))).rejects.toThrow(/--kind: an equipment target needs --kind/);
  });
});
