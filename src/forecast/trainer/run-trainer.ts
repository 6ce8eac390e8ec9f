import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../stack/paths.js';

/** Columns by name and rows of numbers in that order; NaN is a missing value. */
export interface FeatureMatrix {
  columns: readonly string[];
  rows: readonly ArrayLike<number>[];
}

export interface TrainerSpec {
  objective: 'quantile' | 'regression' | 'binary';
  /** The quantile, for the quantile objective only. */
  alpha?: number;
  label: string;
  features: readonly string[];
  numBoostRound: number;
  /** LightGBM parameters (learning_rate, num_leaves, …) passed through as they are. */
  params?: Record<string, number | string | boolean>;
}

export interface TrainerResult {
  /** LightGBM's JSON model dump, for loadBooster. */
  dump: unknown;
  /** LightGBM's own predictions for `predictRows`, when asked (the parity test's reference). */
  predictions?: number[];
}

const TRAINER = path.join(repoRoot, 'src', 'forecast', 'trainer', 'train.py');

function toCsv(matrix: FeatureMatrix): string {
  const lines = [matrix.columns.join(',')];
  for (const row of matrix.rows) {
    const cells: string[] = [];
    for (let i = 0; i < matrix.columns.length; i++) {
      const value = row[i]!;
      if (!Number.isNaN(value) && !Number.isFinite(value)) throw new Error(`Column ${matrix.columns[i]} holds ${value}; the trainer takes finite numbers or NaN.`);
      // String() writes the shortest text that reads back to the same double, so nothing is rounded.
      cells.push(Number.isNaN(value) ? '' : String(value));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function runPython(python: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [TRAINER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', (err) => reject(new Error(`The forecast trainer could not start (${python}): ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`The forecast trainer failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
}

/** Fits one LightGBM model in the trainer's Python (see python-env.ts) and returns its dump. */
export async function trainLightGbm(
  python: string,
  data: FeatureMatrix,
  spec: TrainerSpec,
  predictRows?: FeatureMatrix,
): Promise<TrainerResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'v2v-trainer-'));
  try {
    const file = (name: string) => path.join(dir, name);
    await writeFile(file('data.csv'), toCsv(data));
    const { numBoostRound, params, ...rest } = spec;
    await writeFile(file('spec.json'), JSON.stringify({ ...rest, num_boost_round: numBoostRound, params: params ?? {} }));
    const args = ['--data', file('data.csv'), '--spec', file('spec.json'), '--out', file('model.json')];
    if (predictRows) {
      await writeFile(file('predict.csv'), toCsv(predictRows));
      args.push('--predict', file('predict.csv'), '--predictions', file('predictions.json'));
    }
    await runPython(python, args);
    const dump: unknown = JSON.parse(await readFile(file('model.json'), 'utf8'));
    if (!predictRows) return { dump };
    return { dump, predictions: JSON.parse(await readFile(file('predictions.json'), 'utf8')) as number[] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
