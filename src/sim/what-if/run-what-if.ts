import { KPI_FIGURES, type FigureUnit } from './kpi-figures.js';
import { runReplication, type ReplicationPlan, type ReplicationResult } from './replication.js';
import { runInWorkers } from './replication-workers.js';
import { meanInterval, type Interval } from './statistics.js';

export interface WhatIfOptions {
  replications: number;
  /** Worker threads (default: one per core, at most the replications); 1 runs in this thread. */
  workers?: number;
  onReplication?: (done: number, total: number) => void;
}

export interface FigureComparison {
  key: string;
  label: string;
  unit: FigureUnit;
  baseline: Interval;
  scenario: Interval;
  /** Scenario − baseline, paired by replication (common random numbers make this interval narrow). */
  difference: Interval;
}

export interface WhatIfReport {
  baselineName: string;
  scenarioName: string;
  replications: number;
  seed: number;
  years: number;
  targetDays: number;
  currency: string;
  figures: FigureComparison[];
  batches: number;
  elapsedMs: number;
}

/** The baseline against the scenario over R replications, each KPI with its 95 % interval. */
export async function runWhatIf(plan: ReplicationPlan, options: WhatIfOptions): Promise<WhatIfReport> {
  const started = performance.now();
  const { replications } = options;
  const workers = Math.max(1, Math.min(options.workers ?? 1, replications));
  const results: ReplicationResult[] =
    workers === 1 ? sequential(plan, replications, options.onReplication) : await runInWorkers(plan, replications, workers, options.onReplication);
  results.sort((a, b) => a.replication - b.replication);
  return {
    baselineName: plan.baseline.name,
    scenarioName: plan.scenario.name,
    replications,
    seed: plan.seed,
    years: plan.years ?? plan.scenario.horizon.years,
    targetDays: plan.scenario.veinToVeinTargetDays,
    currency: plan.scenario.costs.currency,
    figures: KPI_FIGURES.map(({ key, label, unit, of }) => {
      const base = results.map((r) => of(r.baseline));
      const other = results.map((r) => of(r.scenario));
      const difference = results.map((_, i) => (base[i] !== undefined && other[i] !== undefined ? other[i]! - base[i]! : undefined));
      return { key, label, unit, baseline: meanInterval(base), scenario: meanInterval(other), difference: meanInterval(difference) };
    }),
    batches: results.reduce((n, r) => n + r.batches, 0),
    elapsedMs: performance.now() - started,
  };
}

function sequential(plan: ReplicationPlan, replications: number, onReplication?: (done: number, total: number) => void): ReplicationResult[] {
  const out: ReplicationResult[] = [];
  for (let r = 0; r < replications; r++) {
    out.push(runReplication(plan, r));
    onReplication?.(r + 1, replications);
  }
  return out;
}
