import { DAY_MS } from '../../domain/durations.js';
import type { SimulationResult } from '../records.js';
import type { Scenario } from '../scenario/scenario.js';
import type { BatchAgent } from './batch-agent.js';
import { startEnrolment } from './enrolment.js';
import { EventQueue } from './event-queue.js';
import { NetworkWorld } from './network-world.js';
import { dailyTelemetry } from './telemetry.js';
import { greedyPlan } from '../../domain/planning/greedy.js';
import type { PlanFunction } from './slot-chains/desk.js';

export interface SimulateOptions {
  /** Same seed, same scenario → the same records, to the byte. */
  seed: number;
  /** Stop enrolling after this many batches (history mode). */
  batches?: number;
  /** Years of enrolment; the scenario's horizon by default, unbounded when only `batches` is given. */
  years?: number;
  /** Daily telemetry summaries of the equipment (default true; what-if leaves them out for speed). */
  telemetry?: boolean;
  /**
   * After enrolment ends, follow every batch to its end (default), or stop there and leave the
   * recent ones in flight (history mode's open batches).
   */
  drain?: boolean;
  /**
   * The HiGHS planner, loaded by the caller (its WebAssembly loads asynchronously, the twin runs
   * synchronously); needed when the scenario's allocation asks for `planner: 'highs'`.
   */
  highs?: PlanFunction;
}

/** The planner a scenario's allocation names: the greedy rule, or the solver the caller loaded. */
export function plannerFor(scenario: Scenario, highs: PlanFunction | undefined): PlanFunction | undefined {
  const allocation = scenario.allocation;
  if (allocation?.mode !== 'slot-chain') return undefined;
  if (allocation.planner === 'greedy') return greedyPlan;
  if (!highs) throw new Error(`Scenario ${scenario.name} plans with HiGHS: load the planner first and pass it as options.highs.`);
  return highs;
}

const YEAR_MS = 365.25 * DAY_MS;
/** A drained run stops this long after enrolment ends even if a batch still waits (it never should). */
const DRAIN_LIMIT_MS = 2 * YEAR_MS;

/**
 * Runs the digital twin: patients enrol, and each batch is stepped through the journey decider by
 * the simulated partners, competing for chairs, lines, QC and shippers while the equipment wears
 * out. Deterministic: everything random comes from streams named after the seed.
 */
export function simulate(scenario: Scenario, options: SimulateOptions): SimulationResult {
  const { seed, batches: maxBatches, telemetry = true, drain = true } = options;
  const years = options.years ?? (maxBatches !== undefined ? Infinity : scenario.horizon.years);
  const start = Date.parse(`${scenario.startDate}T00:00:00.000Z`);
  let enrolUntil = start + years * YEAR_MS;
  const window = { from: start + scenario.horizon.warmupDays * DAY_MS, to: enrolUntil };
  const queue = new EventQueue(start);
  const agents: BatchAgent[] = [];
  let active = 0;
  const world = new NetworkWorld(scenario, queue, seed, start, window, () => active--, plannerFor(scenario, options.highs));

  startEnrolment(world, () => enrolUntil, (agent) => {
    agents.push(agent);
    active++;
    if (maxBatches !== undefined && agents.length >= maxBatches) enrolUntil = queue.now;
    return true;
  });
  queue.runUntil(enrolUntil, () => queue.now >= enrolUntil);
  if (!Number.isFinite(window.to)) window.to = enrolUntil;
  const stopAt = queue.now;
  if (drain) queue.runUntil(stopAt + DRAIN_LIMIT_MS, () => active === 0);
  const endAt = drain ? queue.now : stopAt;

  return {
    scenario: scenario.name,
    seed,
    startAt: new Date(start).toISOString(),
    endAt: new Date(endAt).toISOString(),
    batches: agents.map((a) => a.record()),
    equipment: world.fleet.records(),
    maintenance: world.fleet.maintenance.filter((m) => Date.parse(m.at) <= endAt),
    telemetry: telemetry ? dailyTelemetry(world.fleet.units, world.fleet.maintenance, scenario.equipment, seed, start, endAt) : [],
    kpiWindow: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    resourceUse: world.resourceUse(endAt),
  };
}
