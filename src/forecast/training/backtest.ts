import { coverageReport, type CellReport, type ScoredCase } from '../conformal/index.js';
import type { FeatureSpec, LandmarkRow, TargetName } from '../features/index.js';
import { fitTurnaround, predictTurnaround, turnaroundCell } from '../turnaround/index.js';
import { foldSplit, rollingOrigins, type Fold, type FoldOptions } from './folds.js';
import { NothingToTrainError } from './nothing-to-train.js';

export interface FitOptions {
  target: TargetName;
  /** The venv's python (ensureForecastPython). */
  python: string;
  spec: FeatureSpec;
  /** Boosting rounds per quantile model (fitTurnaround's default when absent). */
  rounds?: number;
  /** Train on at most this many of the newest training rows (default 50,000: about 7 s a fit). */
  maxTrainRows?: number;
}

export type BacktestOptions = FitOptions & FoldOptions;

/** One tested landmark: the row, the fold that tested it, and its forecast scored against the outcome. */
export interface BacktestCase<R extends LandmarkRow = LandmarkRow> {
  row: R;
  fold: number;
  scored: ScoredCase;
}

export interface FoldReport extends Fold {
  rows: { train: number; calibration: number; test: number };
  overall: CellReport;
}

export interface Backtest<R extends LandmarkRow = LandmarkRow> {
  folds: FoldReport[];
  /** Every fold's test cases together, overall and per product × stage. */
  overall: CellReport;
  byGroup: Record<string, CellReport>;
  cases: BacktestCase<R>[];
}

export const DEFAULT_MAX_TRAIN_ROWS = 50_000;

/** The newest `max` rows: older history adds fitting time sooner than it adds accuracy. */
export function newest<R extends LandmarkRow>(rows: readonly R[], max = DEFAULT_MAX_TRAIN_ROWS): R[] {
  return rows.length <= max ? [...rows] : [...rows].sort((a, b) => a.at.localeCompare(b.at)).slice(-max);
}

/**
 * Rolling-origin backtest, time-ordered: at each origin the model is fitted as training fits it
 * (fitTurnaround on what was known then, calibrated on the next window) and scored on the window
 * after. Folds run one after another: each fit already runs three trainers side by side.
 */
export async function runBacktest<R extends LandmarkRow>(rows: readonly R[], options: BacktestOptions): Promise<Backtest<R>> {
  const { target } = options;
  const folds = rollingOrigins(rows.map((r) => r.at), options);
  const reports: FoldReport[] = [];
  const cases: BacktestCase<R>[] = [];
  for (const [i, fold] of folds.entries()) {
    const split = foldSplit(rows, fold, target);
    if (split.train.length === 0 || split.calibration.length === 0 || split.test.length === 0) {
      throw new NothingToTrainError(
        `Too few landmarks with a known ${target} outcome (${rows.length}) for a backtest of ${folds.length} folds: the fold from ${fold.origin} has ${split.train.length} to train, ${split.calibration.length} to calibrate and ${split.test.length} to test on, and needs some of each.`,
      );
    }
    const artifact = await fitTurnaround(newest(split.train, options.maxTrainRows), split.calibration, options);
    const scored = split.test.map((row) => {
      const group = turnaroundCell(row.productId, row.stage);
      return { row, fold: i, scored: { ...predictTurnaround(artifact, row.features, group), y: row.targets[target]!, group } };
    });
    cases.push(...scored);
    reports.push({ ...fold, rows: { train: split.train.length, calibration: split.calibration.length, test: split.test.length }, overall: coverageReport(scored.map((c) => c.scored)).overall });
  }
  const { overall, byGroup } = coverageReport(cases.map((c) => c.scored));
  return { folds: reports, overall, byGroup, cases };
}

/** What the registry keeps of a backtest: the figures, not the cases. */
export const backtestFigures = ({ folds, overall, byGroup }: Backtest) => ({ folds, overall, byGroup });
export type BacktestFigures = ReturnType<typeof backtestFigures>;
