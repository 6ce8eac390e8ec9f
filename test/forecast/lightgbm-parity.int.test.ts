import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadBooster } from '../../src/forecast/lightgbm/booster.js';
import { predictQuantiles } from '../../src/forecast/lightgbm/predict-quantiles.js';
import { ensureForecastPython } from '../../src/forecast/python-env.js';
import { trainLightGbm } from '../../src/forecast/trainer/run-trainer.js';
import type { FeatureMatrix, TrainerSpec } from '../../src/forecast/trainer/run-trainer.js';
import { stackPaths } from '../../src/stack/paths.js';
import { Random } from '../../src/domain/random.js';

// Int level: the first run installs the trainer's venv under .stack/forecast (pip, once).
const FEATURES = ['withNaN', 'withZeros', 'neverMissingInTraining', 'smallInteger', 'noise'];
const COLUMNS = [...FEATURES, 'y', 'late'];

/** Rows with every kind of missing value LightGBM distinguishes, and a label that depends on them. */
function syntheticRows(seed: number, count: number, nanInEveryColumn: boolean): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => {
    const withNaN = rng.chance(0.2) ? NaN : rng.normal();
    const withZeros = rng.chance(0.3) ? 0 : rng.normal() * 2;
    const neverMissing = nanInEveryColumn && rng.chance(0.1) ? NaN : rng.normal();
    const smallInteger = Math.floor(rng.uniform() * 5);
    const noise = nanInEveryColumn && rng.chance(0.1) ? NaN : rng.uniform();
    const y = 3 * (Number.isNaN(withNaN) ? 1 : withNaN) + withZeros * smallInteger - neverMissing + rng.normal();
    return [withNaN, withZeros, neverMissing, smallInteger, noise, y, y > 1 ? 1 : 0];
  });
}

const training: FeatureMatrix = { columns: COLUMNS, rows: syntheticRows(1, 3000, false) };
// NaN where training never saw one exercises missing_type None (NaN is read as 0) as well as NaN.
const scoring: FeatureMatrix = { columns: COLUMNS, rows: syntheticRows(2, 3000, true) };
const base = { features: FEATURES, numBoostRound: 40, params: { learning_rate: 0.1, num_leaves: 15, min_data_in_leaf: 10 } };

async function parity(spec: TrainerSpec) {
  const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
  const { dump, predictions } = await trainLightGbm(python, training, spec, scoring);
  const booster = loadBooster(dump);
  const ours = scoring.rows.map((row) => booster.predict(row));
  const worst = Math.max(...ours.map((value, i) => Math.abs(value - predictions![i]!)));
  return { booster, worst, ours };
}

describe('the TypeScript evaluator of LightGBM model dumps', () => {
  it('equals LightGBM predict to 1e-9 for a quantile model, NaN and None missing values included', async () => {
    const { worst, ours } = await parity({ ...base, objective: 'quantile', alpha: 0.9, label: 'y' });
    expect(worst).toBeLessThan(1e-9);
    expect(new Set(ours).size).toBeGreaterThan(50);
  });

  it('equals LightGBM predict to 1e-9 for a regression model with zeros read as missing', async () => {
    const spec: TrainerSpec = { ...base, objective: 'regression', label: 'y', params: { ...base.params, zero_as_missing: true } };
    const { worst, booster } = await parity(spec);
    expect(worst).toBeLessThan(1e-9);
    expect(booster.objective).toMatch(/^regression/);
  });

  it('equals LightGBM predict to 1e-9 for a binary model through the sigmoid', async () => {
    const { worst, ours } = await parity({ ...base, objective: 'binary', label: 'late' });
    expect(worst).toBeLessThan(1e-9);
    expect(ours.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('never lets P10, P50 and P90 cross, even when the separately trained models do', async () => {
    const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
    const models = await Promise.all(
      [0.9, 0.5, 0.1].map(async (alpha) => loadBooster((await trainLightGbm(python, training, { ...base, objective: 'quantile', alpha, label: 'y' })).dump)),
    );
    // Deliberately swapped, so every row crosses before sorting.
    const quantiles = scoring.rows.map((row) => predictQuantiles({ p10: models[0]!, p50: models[1]!, p90: models[2]! }, row));
    expect(quantiles.every((q) => q.p10 <= q.p50 && q.p50 <= q.p90)).toBe(true);
  });
});
