import type { JourneyState } from '../src/domain/batch/index.js';
import { targetsAhead } from '../src/forecast/features/index.js';
import type { Forecast, ForecastBand } from '../src/domain/batch/index.js';
import type { Target } from './forecast-baseline.js';
import type { BookingJudgement } from './forecast-risk.js';
import { invalidInput } from './failures.js';

/** One target's forecast in wall-clock milliseconds from the landmark, and what made it. */
export interface TargetQuantiles {
  target: Target;
  method: string;
  modelId?: string;
  p10Ms: number;
  p50Ms: number;
  p90Ms: number;
}

/**
 * The targets still ahead at a landmark. A landmark is a moment with infusion-ready still ahead
 * (the definition `landmarkRows` trains on); anything else is refused rather than forecast.
 */
export function forecastTargets(state: JourneyState): Target[] {
  const ahead = targetsAhead(state);
  if (!ahead.some((t) => t.name === 'infusion_ready_days')) {
    throw invalidInput(`Batch ${state.input.batchId} is ${state.stage}: it has no landmark left to forecast from.`);
  }
  return ahead;
}

/** When the batch entered its current stage (or was enrolled): what a baseline counts from. */
export function stageEnteredAt(state: JourneyState): number {
  const entry = state.timeline.filter((t) => t.event === 'stage').at(-1) ?? state.timeline[0];
  return entry ? Date.parse(entry.at) : Number.NaN;
}

/** The forecast the workflow keeps and the status shows: instants from the landmark's. */
export function forecastOf(state: JourneyState, at: Date, quantiles: readonly TargetQuantiles[], booking: BookingJudgement): Forecast {
  const instant = (ms: number) => new Date(at.getTime() + ms).toISOString();
  const band = (q: TargetQuantiles): ForecastBand => ({
    method: q.method,
    ...(q.modelId ? { modelId: q.modelId } : {}),
    p10: instant(q.p10Ms),
    p50: instant(q.p50Ms),
    p90: instant(q.p90Ms),
  });
  const of = (name: Target['name']) => quantiles.find((q) => q.target.name === name);
  const release = of('release_days');
  const infusion = of('infusion_ready_days');
  const releaseBand = release ? band(release) : released(state, at);
  const baseline = quantiles.find((q) => q.method !== 'model');
  return {
    method: baseline?.method ?? 'model',
    modelIds: quantiles.flatMap((q) => (q.modelId ? [q.modelId] : [])),
    stage: state.stage,
    at: at.toISOString(),
    release: releaseBand,
    ...(infusion ? { infusionReady: band(infusion) } : {}),
    readyP10: releaseBand.p10,
    readyP50: releaseBand.p50,
    readyP90: releaseBand.p90,
    atRisk: booking.atRisk,
    ...(booking.safeFrom ? { safeFrom: booking.safeFrom } : {}),
  };
}

/** Past release: the release itself, as it happened (the latest entry to RELEASED). */
function released(state: JourneyState, at: Date): ForecastBand {
  const when = state.timeline.filter((t) => t.event === 'stage' && t.stage === 'RELEASED').at(-1)?.at ?? at.toISOString();
  return { method: 'observed', p10: when, p50: when, p90: when };
}
