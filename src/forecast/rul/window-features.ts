import { SENSOR_COUNT, sensorName } from './cmapss.js';
import type { Engine } from './cmapss.js';

/**
 * Features of one engine at one cycle, from the cycles up to it only (a test engine stops early):
 * per informative sensor, over the last WINDOW cycles, the last value, a short mean that averages
 * out the sensor noise, the mean, the least-squares slope, min, max, standard deviation, and the
 * drift of the window's mean from the engine's first cycles (engines start with different wear), an
 * exponentially weighted mean and the slope over the whole history seen (the slow wear trend a 30-cycle
 * window cannot tell from noise); and the cycle count.
 */
export const WINDOW = 30;
const SHORT_WINDOW = 5;
const BASELINE_CYCLES = 10;
const STATS = ['last', 'mean5', 'mean', 'slope', 'min', 'max', 'std', 'drift', 'ewma', 'slope_all'] as const;
const EWMA_ALPHA = 0.1;

/** Sensors that vary in the training engines; the others (constant in FD001) carry nothing. */
export function informativeSensors(engines: readonly Engine[]): number[] {
  const sensors: number[] = [];
  for (let s = 0; s < SENSOR_COUNT; s++) {
    const values = new Set<number>();
    for (const engine of engines) for (const c of engine.cycles) values.add(c.sensors[s]!);
    // Two values are a rounding flicker of a constant (s6 in FD001), not a signal.
    if (values.size > 2) sensors.push(s);
  }
  return sensors;
}

export function featureColumns(sensors: readonly number[]): string[] {
  return ['cycle', ...sensors.flatMap((s) => STATS.map((stat) => `${sensorName(s)}_${stat}`))];
}

function mean(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / (to - from);
}

// Each engine's sensor series, built once for all the cycles a training set takes features at.
const seriesCache = new WeakMap<Engine, Map<number, number[]>>();
function sensorSeries(engine: Engine, sensor: number): number[] {
  let bySensor = seriesCache.get(engine);
  if (!bySensor) seriesCache.set(engine, (bySensor = new Map()));
  let series = bySensor.get(sensor);
  if (!series) bySensor.set(sensor, (series = engine.cycles.map((c) => c.sensors[sensor]!)));
  return series;
}

/** The features at `engine.cycles[end]`, in `featureColumns(sensors)` order. */
export function windowFeatures(engine: Engine, end: number, sensors: readonly number[]): number[] {
  const from = Math.max(0, end + 1 - WINDOW);
  const n = end + 1 - from;
  const row = [engine.cycles[end]!.cycle];
  for (const s of sensors) {
    const series = sensorSeries(engine, s);
    const windowMean = mean(series, from, end + 1);
    let min = Infinity;
    let max = -Infinity;
    let squares = 0;
    let covariance = 0;
    const centre = (n - 1) / 2;
    for (let i = from; i <= end; i++) {
      const v = series[i]!;
      min = Math.min(min, v);
      max = Math.max(max, v);
      squares += (v - windowMean) ** 2;
      covariance += (i - from - centre) * (v - windowMean);
    }
    const timeSpread = (n * (n * n - 1)) / 12;
    const slope = n > 1 ? covariance / timeSpread : 0;
    const baseline = mean(series, 0, Math.min(BASELINE_CYCLES, end + 1));
    const short = mean(series, Math.max(from, end + 1 - SHORT_WINDOW), end + 1);
    let ewma = series[0]!;
    for (let i = 1; i <= end; i++) ewma += EWMA_ALPHA * (series[i]! - ewma);
    row.push(series[end]!, short, windowMean, slope, min, max, Math.sqrt(squares / n), windowMean - baseline, ewma, slopeOf(series, 0, end));
  }
  return row;
}

/** Least-squares slope of series[from..to] against the index. */
function slopeOf(series: readonly number[], from: number, to: number): number {
  const n = to + 1 - from;
  if (n < 2) return 0;
  const m = mean(series, from, to + 1);
  const centre = (n - 1) / 2;
  let covariance = 0;
  for (let i = from; i <= to; i++) covariance += (i - from - centre) * (series[i]! - m);
  return covariance / ((n * (n * n - 1)) / 12);
}
