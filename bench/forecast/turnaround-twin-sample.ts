import { evolve, initialState, type JourneyState } from '../../src/domain/batch/index.js';
import { DAY_MS } from '../../src/domain/durations.js';
import type { QuantilePrediction } from '../../src/forecast/conformal/index.js';
import type { LandmarkRow, TargetName } from '../../src/forecast/features/index.js';
import type { Scenario } from '../../src/sim/scenario/scenario.js';
import { forecastByTwin, type TwinForecast } from '../../src/sim/forecast-by-twin.js';
import type { BatchJourneyRecord } from '../../src/domain/batch/journey-record.js';
import { Random } from '../../src/domain/random.js';

/** The decider's state of a batch at a landmark: its recorded events up to then, replayed. */
export function stateAt(batch: BatchJourneyRecord, at: string): JourneyState {
  const until = Date.parse(at);
  let state = initialState(batch.input, batch.enrolledAt);
  for (const e of batch.events) {
    if (Date.parse(e.at) > until) break;
    state = evolve(state, e);
  }
  return state;
}

/** `count` rows drawn without replacement, reproducibly (a partial Fisher–Yates shuffle). */
export function seededSample<T>(rows: readonly T[], count: number, seed: number): T[] {
  const rng = new Random(seed);
  const pool = [...rows];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.uniform() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

/**
 * The twin's forecast at a landmark, cached per landmark because one simulation answers both
 * targets. forecastByTwin is slow (R runs of the whole remaining journey), hence the sample.
 */
export class TwinForecaster {
  private readonly cache = new Map<string, TwinForecast>();
  private readonly batches: Map<string, BatchJourneyRecord>;
  msSpent = 0;

  constructor(
    batches: readonly BatchJourneyRecord[],
    private readonly scenario: Scenario,
    private readonly runs: number,
    private readonly seed: number,
    /** The twin's id of a row's batch (rows read from PostgreSQL carry history mode's ids). */
    private readonly twinId: (batchId: string) => string = (id) => id,
  ) {
    this.batches = new Map(batches.map((b) => [b.input.batchId, b]));
  }

  batch(row: LandmarkRow): BatchJourneyRecord {
    return this.batches.get(this.twinId(row.batchId))!;
  }

  /** P10/P50/P90 in days from the landmark, or undefined when no run reached the target. */
  forecast(row: LandmarkRow, target: TargetName): QuantilePrediction | undefined {
    const key = `${row.batchId}@${row.at}`;
    let forecast = this.cache.get(key);
    if (!forecast) {
      const started = performance.now();
      const state = stateAt(this.batch(row), row.at);
      forecast = forecastByTwin(state, this.runs, { scenario: this.scenario, now: Date.parse(row.at), seed: this.seed });
      this.msSpent += performance.now() - started;
      this.cache.set(key, forecast);
    }
    const band = target === 'release_days' ? forecast.release : forecast.infusionReadyAt;
    if (!band) return undefined;
    const days = (iso: string) => (Date.parse(iso) - Date.parse(row.at)) / DAY_MS;
    return { p10: days(band.p10), p50: days(band.p50), p90: days(band.p90) };
  }

  get forecasts(): number {
    return this.cache.size;
  }
}
