import { DAY_MS } from '../../domain/durations.js';
import type { SimulationResult } from '../records.js';
import type { Costs } from '../scenario/costs.js';
import { batchFacts, veinToVeinDays, type BatchFacts } from './batch-facts.js';
import { costOf, patientsInWindow } from './kpis.js';
import { quantile } from './statistics.js';

/** One allocation policy's figures over several runs (seeds), the patients of all runs pooled. */
export interface PolicyFigures {
  patients: number;
  infused: number;
  /** Order (enrolment) → infusion: the patient's wait, days. */
  orderToInfusionMedian?: number;
  orderToInfusionP90?: number;
  /** First collection → infusion (vein to vein), days. */
  veinToVeinMedian?: number;
  veinToVeinP90?: number;
  /** Receipt at the facility → start of manufacturing, over every batch that reached a line, days. */
  lineWaitMedian?: number;
  lineWaitP90?: number;
  lineWaitMax: number;
  /** Batches whose collected material waited for a line at all (more than a minute). */
  batchesThatWaited: number;
  lineUtilisation: number;
  notInfusedShare: number;
  costPerInfused?: number;
}

const MINUTE_IN_DAYS = 1 / 1440;

/** The figures of the runs' patients, or of those of one product (line utilisation stays the network's). */
export function policyFigures(runs: readonly SimulationResult[], costs: Costs, productId?: string): PolicyFigures {
  const facts: BatchFacts[] = runs
    .flatMap((r) => patientsInWindow(r).map(batchFacts))
    .filter((f) => f.outcome !== 'in-flight' && (productId === undefined || f.productId === productId));
  const infused = facts.filter((f) => f.outcome === 'infused');
  const v2v = infused.map(veinToVeinDays).filter((d): d is number => d !== undefined);
  const wait = infused.map((f) => (f.infusedAt! - f.enrolledAt) / DAY_MS);
  const lineWaits = facts.filter((f) => f.lineDays > 0).map((f) => f.lineWaitDays);
  const uses = runs.flatMap((r) => r.resourceUse ?? []).filter((u) => u.resource === 'line');
  const offered = uses.reduce((a, u) => a + u.offeredDays, 0);
  const cost = costOf(facts, costs).total;
  return {
    patients: facts.length,
    infused: infused.length,
    orderToInfusionMedian: quantile(wait, 0.5),
    orderToInfusionP90: quantile(wait, 0.9),
    veinToVeinMedian: quantile(v2v, 0.5),
    veinToVeinP90: quantile(v2v, 0.9),
    lineWaitMedian: quantile(lineWaits, 0.5),
    lineWaitP90: quantile(lineWaits, 0.9),
    lineWaitMax: lineWaits.reduce((a, d) => Math.max(a, d), 0),
    batchesThatWaited: lineWaits.filter((d) => d > MINUTE_IN_DAYS).length,
    lineUtilisation: offered > 0 ? uses.reduce((a, u) => a + u.usedDays, 0) / offered : 0,
    notInfusedShare: facts.length > 0 ? (facts.length - infused.length) / facts.length : 0,
    costPerInfused: infused.length > 0 ? cost / infused.length : undefined,
  };
}
