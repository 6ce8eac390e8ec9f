import type { JourneyState } from '../domain/batch/index.js';
import { DAY_MS } from '../domain/durations.js';
import { iso } from '../domain/instant.js';
import type { Stage } from '../domain/stages.js';
import type { Scenario } from './scenario/scenario.js';
import { BatchAgent } from './twin/batch-agent.js';
import { EventQueue } from './twin/event-queue.js';
import { Random } from '../domain/random.js';
import { sample } from './twin/sample.js';
import { SoloWorld } from './twin/solo-world.js';
import { quantile } from './what-if/statistics.js';

export interface ForecastBand {
  p10: string;
  p50: string;
  p90: string;
}

export interface TwinForecast {
  method: 'digital-twin';
  /** Simulations run, and how many of them reached each point (a run whose patient is withdrawn reaches neither). */
  runs: number;
  released: number;
  infusionReady: number;
  /** When QA releases the product (the last release, if an attempt fails and is made again). */
  release?: ForecastBand;
  /**
   * When the product is infusion-ready: received at the treatment centre (the site-receipt scan),
   * stored on site and ready to be thawed on the booked day.
   */
  infusionReadyAt?: ForecastBand;
}

export interface ForecastOptions {
  scenario: Scenario;
  /** The time of the forecast (default: the state's last recorded event). */
  now?: number;
  seed?: number;
  /** How far ahead a run may go before it is left unfinished (default 400 days). */
  horizonDays?: number;
}

const READY: ReadonlySet<Stage> = new Set<Stage>(['RECEIVED_AT_SITE', 'INFUSION_SCHEDULED', 'INFUSED', 'COMPLETED']);
const AFTER_RELEASE: ReadonlySet<Stage> = new Set<Stage>(['RELEASED', 'RETURN_TRANSIT', ...READY]);

/**
 * Forecast by simulation: R runs of the twin's partners forward from one batch's decider state,
 * each continuing from whatever the batch awaits, with the scenario's durations, outcomes and
 * calendars but without the other patients (see SoloWorld). The patient is assumed to proceed
 * (no dropout): the forecast is of the product. The yardstick for the ML forecasts.
 */
export function forecastByTwin(state: JourneyState, runs: number, options: ForecastOptions): TwinForecast {
  const { scenario, seed = 1, horizonDays = 400 } = options;
  const now = options.now ?? Date.parse(state.timeline[state.timeline.length - 1]!.at);
  const params = scenario.products.find((p) => p.productId === state.input.productId);
  if (!params) throw new Error(`The scenario has no parameters for product ${state.input.productId}.`);
  const release: number[] = [];
  const ready: number[] = [];
  for (let run = 0; run < runs; run++) {
    const queue = new EventQueue(now);
    const world = new SoloWorld(scenario, queue, seed);
    const rng = Random.stream(seed, 'forecast', state.input.batchId, run);
    const agent = new BatchAgent(world, state, Date.parse(state.timeline[0]!.at), 'forecast', rng, params, Infinity);
    // The collected yield is not in the journey's state: a forecast draws one (it shapes expansion and failure odds).
    agent.attributes.cellYield = sample(params.cellYield, rng);
    agent.step();
    queue.runUntil(now + horizonDays * DAY_MS, () => agent.ended || READY.has(agent.state.stage));
    const final = agent.state;
    if (AFTER_RELEASE.has(final.stage)) release.push(lastEntry(final, 'RELEASED')!);
    if (READY.has(final.stage)) ready.push(lastEntry(final, 'RECEIVED_AT_SITE')!);
  }
  return {
    method: 'digital-twin',
    runs,
    released: release.length,
    infusionReady: ready.length,
    ...(release.length > 0 ? { release: band(release) } : {}),
    ...(ready.length > 0 ? { infusionReadyAt: band(ready) } : {}),
  };
}

function lastEntry(state: JourneyState, stage: Stage): number | undefined {
  for (let i = state.timeline.length - 1; i >= 0; i--) if (state.timeline[i]!.stage === stage) return Date.parse(state.timeline[i]!.at);
  return undefined;
}

const band = (times: number[]): ForecastBand => {
  const at = (p: number) => iso(Math.round(quantile(times, p)!));
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
};
