import type { Scenario } from '../scenario/scenario.js';
import { simulate } from '../twin/simulate.js';
import { computeKpis, type Kpis } from './kpis.js';

export interface ReplicationPlan {
  baseline: Scenario;
  scenario: Scenario;
  seed: number;
  years?: number;
}

export interface ReplicationResult {
  replication: number;
  baseline: Kpis;
  scenario: Kpis;
  /** Batches simulated in both runs, and how long they took (ms), for throughput figures. */
  batches: number;
  elapsedMs: number;
}

/** Seeds of replications: distinct per replication, shared by baseline and scenario (common random numbers). */
export const replicationSeed = (seed: number, replication: number) => (seed + replication * 7919) >>> 0;

/**
 * One replication: the baseline and the scenario from the same seed, so the same patients arrive
 * with the same cells and draws and the difference between the runs is the scenario's doing.
 * The target vein-to-vein time is the scenario's, for both.
 */
export function runReplication(plan: ReplicationPlan, replication: number): ReplicationResult {
  const started = performance.now();
  const seed = replicationSeed(plan.seed, replication);
  const settings = { targetDays: plan.scenario.veinToVeinTargetDays, costs: plan.scenario.costs };
  const base = simulate(plan.baseline, { seed, years: plan.years, telemetry: false });
  const other = simulate(plan.scenario, { seed, years: plan.years, telemetry: false });
  return {
    replication,
    baseline: computeKpis(base, { ...settings, costs: plan.baseline.costs }),
    scenario: computeKpis(other, settings),
    batches: base.batches.length + other.batches.length,
    elapsedMs: performance.now() - started,
  };
}
