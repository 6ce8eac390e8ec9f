import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { ensureForecastPython } from '../../src/forecast/python-env.js';
import { describeRul, runRul } from '../../src/forecast/rul/run-rul.js';
import { windowFeatures } from '../../src/forecast/rul/window-features.js';
import { repoRoot, stackPaths } from '../../src/stack/paths.js';

// The RUL model on NASA C-MAPSS FD001: validation RMSE and NASA score over engine folds against
// the mean predictor measured in the same run, training time, and the TypeScript evaluator's
// latency for one prediction (with and without building the window features).
const { values: flags } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(repoRoot, '..', 'shared', 'datasets', 'cmapss-fd001') },
    seed: { type: 'string', default: '1' },
    folds: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:forecast:rul -- [options]
  --data DIR    the folder holding train_FD001.txt and test_FD001.txt, default ../shared/datasets/cmapss-fd001
  --seed S      validation folds and cuts, default 1
  --folds K     default 5`);
  process.exit(0);
}

const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
const scratch = await mkdtemp(path.join(tmpdir(), 'v2v-bench-rul-'));
try {
  const options = {
    train: path.join(flags.data, 'train_FD001.txt'),
    test: path.join(flags.data, 'test_FD001.txt'),
    out: path.join(scratch, 'rul.csv'),
    seed: Number(flags.seed),
    folds: Number(flags.folds),
  };
  const started = performance.now();
  const report = await runRul(python, options);
  const wall = (performance.now() - started) / 1000;
  for (const line of describeRul(report, options).slice(0, -1)) console.log(line);
  console.log(`ratios to the mean predictor: RMSE ×${(report.rmse / report.meanBaseline.rmse).toFixed(3)}, NASA score ×${(report.score / report.meanBaseline.score).toFixed(4)}`);

  const { engine, end } = report.sample;
  const row = windowFeatures(engine, end, report.model.sensors);
  const timeEach = (n: number, f: () => number) => {
    let sink = 0;
    for (let i = 0; i < 1000; i++) sink += f();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += f();
    if (Number.isNaN(sink)) throw new Error('a prediction was NaN');
    return ((performance.now() - t0) * 1000) / n;
  };
  const treesOnly = timeEach(20_000, () => report.model.booster.predict(row));
  const withFeatures = timeEach(20_000, () => report.model.predict(engine, end));
  console.log(`prediction in TypeScript: ${treesOnly.toFixed(1)} µs per prediction (trees), ${withFeatures.toFixed(1)} µs with the window features`);
  console.log(`whole run: ${wall.toFixed(1)} s (${options.folds} fold models and the model of every engine)`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
