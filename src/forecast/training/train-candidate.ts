import type { Database } from '../../db/client.js';
import { timeSplit, cutsByShare } from '../conformal/index.js';
import { activeModel, NETWORK_SCOPE, registerCandidate, type ModelRow } from '../registry/index.js';
import { fitTurnaround, type TurnaroundArtifact } from '../turnaround/index.js';
import { backtestFigures, newest, runBacktest, type Backtest, type BacktestFigures, type FitOptions } from './backtest.js';
import type { FoldOptions } from './folds.js';
import { loadLandmarkRows, type LandmarkSource, type TrainingRow } from './landmark-source.js';
import { challengeActive, type Challenge } from './promotion-rule.js';
import { NothingToTrainError } from './nothing-to-train.js';

export interface TrainOptions extends FoldOptions, Omit<FitOptions, 'spec'> {
  source: LandmarkSource;
  seed?: number;
  until?: Date;
  /** Registry scope (default `network`); tests use their own so they never meet. */
  scope?: string;
  /** Share of the landmarks, the newest, that calibrate the registered model (default 0.2). */
  calibrationShare?: number;
  progress?: (line: string) => void;
}

/** What a registered candidate's `metrics` hold. */
export interface CandidateMetrics {
  source: LandmarkSource;
  seed: number | null;
  until: string;
  rows: { landmarks: number; labelled: number; train: number; calibration: number };
  backtest: BacktestFigures;
  /** Against the model active when it was trained (null: none was). */
  challenge: Challenge | null;
}

/** The data a training run reads, and its backtest: what `backtest` prints and `train` registers. */
export async function backtestFromDatabase(db: Database, options: TrainOptions) {
  const loaded = await loadLandmarkRows(db, { target: options.target, source: options.source, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.until ? { until: options.until } : {}) });
  if (loaded.rows.length === 0) throw new NothingToTrainError(`No ${options.source} landmark with a known ${options.target} outcome${options.seed !== undefined ? ` in seed ${options.seed}` : ''} up to ${loaded.until.toISOString()}: nothing to train on.`);
  options.progress?.(`${loaded.rows.length} landmarks labelled with ${options.target} of ${loaded.landmarks} up to ${loaded.until.toISOString()}; backtesting…`);
  const backtest = await runBacktest(loaded.rows, { ...options, spec: loaded.spec });
  return { loaded, backtest };
}

/**
 * Trains a candidate for `target` from PostgreSQL and registers it: the rolling-origin backtest,
 * then the model itself on the whole window (older landmarks train, the newest calibrate), judged
 * on the backtest's cases against the model active now. Does not promote: promoteIfBetter does.
 */
export async function trainCandidate(db: Database, options: TrainOptions): Promise<{ model: ModelRow; backtest: Backtest<TrainingRow>; metrics: CandidateMetrics }> {
  const { target, scope = NETWORK_SCOPE, calibrationShare = 0.2 } = options;
  const { loaded, backtest } = await backtestFromDatabase(db, options);
  const active = await activeModel(db, target, scope);
  // The registry holds what fitTurnaround made for a turnaround target.
  const challenge = active ? challengeActive(backtest.cases, { id: active.id, trainedTo: active.trainedTo, artifact: active.artifact as TurnaroundArtifact }) : null;

  options.progress?.('fitting the model on the whole window…');
  const { calibrationFrom } = cutsByShare(loaded.rows, { train: 1 - calibrationShare, calibration: calibrationShare });
  // Every outcome up to `until` is known, so the whole window after the cut calibrates.
  const split = timeSplit(loaded.rows, { calibrationFrom, testFrom: new Date(loaded.until.getTime() + 1).toISOString() }, (r) => r.outcomeAt[target]);
  const artifact = await fitTurnaround(newest(split.train, options.maxTrainRows), split.calibration, { ...options, spec: loaded.spec });
  const metrics: CandidateMetrics = {
    source: options.source,
    seed: options.seed ?? null,
    until: loaded.until.toISOString(),
    rows: { landmarks: loaded.landmarks, labelled: loaded.rows.length, train: split.train.length, calibration: split.calibration.length },
    backtest: backtestFigures(backtest),
    challenge,
  };
  const model = await registerCandidate(db, {
    target, scope,
    trainedFrom: new Date(loaded.rows[0]!.at), trainedTo: loaded.until,
    features: [...loaded.spec.features], metrics, artifact,
  });
  return { model, backtest, metrics };
}
