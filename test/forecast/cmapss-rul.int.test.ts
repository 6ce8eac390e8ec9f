import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ensureForecastPython } from '../../src/forecast/python-env.js';
import { runRul } from '../../src/forecast/rul/run-rul.js';
import { repoRoot, stackPaths } from '../../src/stack/paths.js';

// Int level: it trains through the trainer's venv, installed under .stack/forecast on first use.
const dataset = path.resolve(repoRoot, '..', 'shared', 'datasets', 'cmapss-fd001');
const scratch = await mkdtemp(path.join(tmpdir(), 'v2v-rul-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('v2v forecast rul on NASA C-MAPSS FD001', () => {
  it('writes one finite RUL per test engine and beats the mean predictor on held-out engines', { timeout: 600_000 }, async () => {
    const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
    const out = path.join(scratch, 'rul.csv');
    // Two folds: every engine is still held out once (21 s; five take 50 s in CI, and prove nothing more here).
    const options = { train: path.join(dataset, 'train_FD001.txt'), test: path.join(dataset, 'test_FD001.txt'), out, seed: 1, folds: 2 };
    const report = await runRul(python, options);

    const [header, ...rows] = (await readFile(out, 'utf8')).trim().split('\n');
    expect(header).toBe('unit,rul');
    const parsed = rows.map((row) => row.split(',').map(Number));
    expect(parsed.map(([unit]) => unit)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(parsed.every(([, rul]) => Number.isFinite(rul) && rul! >= 0 && rul! <= 125)).toBe(true);

    expect(report.validationEngines).toBe(100);
    expect(report.rmse).toBeLessThan(report.meanBaseline.rmse / 2);
    expect(report.score).toBeLessThan(report.meanBaseline.score);
  });
});
