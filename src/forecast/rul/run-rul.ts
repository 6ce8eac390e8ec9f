import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Random } from '../../domain/random.js';
import { readCmapss } from './cmapss.js';
import type { Engine } from './cmapss.js';
import { nasaScore, RUL_CAP, rmse } from './rul-metrics.js';
import { trainRulModel } from './rul-model.js';
import type { RulModel } from './rul-model.js';

export interface RulOptions {
  train: string;
  test: string;
  out: string;
  seed: number;
  /** The training engines are split into this many folds by engine; each is validated once by a model of the others. */
  folds: number;
}

export interface RulReport {
  validationEngines: number;
  /** Against the true RUL capped at RUL_CAP, as the labels are. */
  rmse: number;
  score: number;
  /** Against the true, uncapped RUL. */
  rmseUncapped: number;
  /** The mean predictor (every engine gets the mean training label), for scale. */
  meanBaseline: { rmse: number; score: number };
  /** Seconds per training (the mean over the folds), CSV hand-over and Python included. */
  trainingSeconds: number;
  testEngines: number;
  model: RulModel;
  /** A validation engine and its cut, for timing single predictions. */
  sample: { engine: Engine; end: number };
}

/**
 * Validation engines are cut where the test file cuts its engines: at least 31 cycles observed and
 * at most 150 cycles before failure (the test engines' true RUL runs from 7 to 145), the true RUL
 * drawn uniformly in that range, so the model is judged before failure as on the test set.
 */
const MIN_OBSERVED = 31;
const MAX_REMAINING = 150;
function cutEngines(engines: readonly Engine[], random: Random) {
  return engines.map((engine) => {
    const length = engine.cycles.length;
    const longest = Math.max(1, Math.min(MAX_REMAINING, length - MIN_OBSERVED));
    const trueRul = 1 + Math.floor(random.uniform() * longest);
    return { engine, end: length - trueRul - 1, trueRul };
  });
}

function foldsByEngine(engines: readonly Engine[], folds: number, random: Random): Engine[][] {
  const shuffled = [...engines];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return Array.from({ length: folds }, (_, k) => shuffled.filter((_, i) => i % folds === k));
}

export async function runRul(python: string, options: RulOptions): Promise<RulReport> {
  const [trainEngines, testEngines] = await Promise.all([readCmapss(options.train), readCmapss(options.test)]);
  if (options.folds < 2 || options.folds > trainEngines.length) throw new Error(`--folds must be between 2 and ${trainEngines.length}.`);
  const random = Random.stream(options.seed, 'cmapss-validation');
  const predicted: number[] = [];
  const cuts: ReturnType<typeof cutEngines> = [];
  let trainingSeconds = 0;
  for (const validation of foldsByEngine(trainEngines, options.folds, random)) {
    const started = performance.now();
    const heldOutModel = await trainRulModel(python, trainEngines.filter((e) => !validation.includes(e)));
    trainingSeconds += (performance.now() - started) / 1000;
    const foldCuts = cutEngines(validation, random);
    cuts.push(...foldCuts);
    predicted.push(...foldCuts.map((c) => heldOutModel.predict(c.engine, c.end)));
  }
  const capped = cuts.map((c) => Math.min(c.trueRul, RUL_CAP));
  const labels = trainEngines.flatMap((e) => e.cycles.map((_, i) => Math.min(e.cycles.length - 1 - i, RUL_CAP)));
  const meanLabel = labels.reduce((s, v) => s + v, 0) / labels.length;
  const constant = cuts.map(() => meanLabel);

  // The test engines are predicted by a model of every training engine.
  const model = await trainRulModel(python, trainEngines);
  const lines = testEngines.map((e) => `${e.unit},${model.predict(e, e.cycles.length - 1).toFixed(3)}`);
  await writeFile(options.out, `unit,rul\n${lines.join('\n')}\n`);

  return {
    validationEngines: cuts.length,
    rmse: rmse(predicted, capped),
    score: nasaScore(predicted, capped),
    rmseUncapped: rmse(predicted, cuts.map((c) => c.trueRul)),
    meanBaseline: { rmse: rmse(constant, capped), score: nasaScore(constant, capped) },
    trainingSeconds: trainingSeconds / options.folds,
    testEngines: testEngines.length,
    model,
    sample: cuts[0]!,
  };
}

/** What `v2v forecast rul` prints: the validation figures beside the mean predictor's. */
export function describeRul(report: RulReport, options: RulOptions): string[] {
  const f = (x: number, digits = 2) => x.toFixed(digits);
  return [
    `validation (${report.validationEngines} training engines in ${options.folds} folds by engine, seed ${options.seed}, each cut before failure like a test engine):`,
    `  RMSE ${f(report.rmse)} (true RUL capped at ${RUL_CAP}; ${f(report.rmseUncapped)} uncapped), NASA score ${f(report.score, 1)}`,
    `  mean predictor: RMSE ${f(report.meanBaseline.rmse)}, NASA score ${f(report.meanBaseline.score, 0)}`,
    `training: ${f(report.trainingSeconds, 1)} s per model (LightGBM, ${report.model.booster.featureNames.length} window features of ${report.model.sensors.length} sensors)`,
    `${report.testEngines} test engines' predicted RUL written to ${options.out}`,
  ];
}
