import { loadBooster } from '../lightgbm/booster.js';
import type { Booster } from '../lightgbm/booster.js';
import { trainLightGbm } from '../trainer/run-trainer.js';
import type { Engine } from './cmapss.js';
import { RUL_CAP } from './rul-metrics.js';
import { featureColumns, informativeSensors, windowFeatures } from './window-features.js';

/** A LightGBM regression of capped RUL on window features, evaluated in TypeScript. */
export interface RulModel {
  sensors: number[];
  booster: Booster;
  /** Predicted RUL after `engine.cycles[end]`, within 0…RUL_CAP. */
  predict(engine: Engine, end: number): number;
}

const LABEL = 'rul';
// Small learning rate with many rounds and row/feature subsampling: the data is noisy and small.
const PARAMS = {
  learning_rate: 0.02,
  num_leaves: 15,
  min_data_in_leaf: 60,
  feature_fraction: 0.5,
  bagging_fraction: 0.8,
  bagging_freq: 1,
  lambda_l2: 5,
  seed: 7,
  // One thread: the machine is shared, and OpenMP threads spin badly when cores are busy.
  num_threads: 1,
};
const ROUNDS = 700;

/** Every cycle of every (run-to-failure) engine is a row; its label is the cycles left, capped. */
export async function trainRulModel(python: string, engines: readonly Engine[]): Promise<RulModel> {
  const sensors = informativeSensors(engines);
  const features = featureColumns(sensors);
  const rows: number[][] = [];
  for (const engine of engines) {
    const last = engine.cycles.length - 1;
    for (let end = 0; end <= last; end++) rows.push([...windowFeatures(engine, end, sensors), Math.min(last - end, RUL_CAP)]);
  }
  const spec = { objective: 'regression' as const, label: LABEL, features, numBoostRound: ROUNDS, params: PARAMS };
  const { dump } = await trainLightGbm(python, { columns: [...features, LABEL], rows }, spec);
  const booster = loadBooster(dump);
  return {
    sensors,
    booster,
    predict: (engine, end) => Math.min(RUL_CAP, Math.max(0, booster.predict(windowFeatures(engine, end, sensors)))),
  };
}
