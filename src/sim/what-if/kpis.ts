import { DAY_MS } from '../../domain/durations.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import type { SimulationResult } from '../records.js';
import type { Costs } from '../scenario/costs.js';
import { batchFacts, veinToVeinDays, type BatchFacts } from './batch-facts.js';
import { quantile } from './statistics.js';

export interface CostBreakdown {
  lineDays: number;
  qc: number;
  transport: number;
  remanufacture: number;
  wastedProduct: number;
  total: number;
}

/** What a coordinator asks of a network over one run: speed, reach, use of capacity and cost per infused patient. */
export interface Kpis {
  /** Patients enrolled in the KPI window whose journey ended (infused or not). */
  patients: number;
  infused: number;
  veinToVeinMeanDays?: number;
  veinToVeinMedianDays?: number;
  veinToVeinP90Days?: number;
  /** Enrolment to infusion, median: includes the wait for a collection (and the slot it is planned around). */
  enrolmentToInfusionMedianDays?: number;
  /** Of the patients, those infused within the target vein-to-vein time. */
  infusedWithinTargetShare: number;
  lineUtilisation: number;
  /** Patient-days spent waiting for a line after receipt at the facility. */
  lineWaitDays: number;
  apheresisChairUtilisation: number;
  infusionChairUtilisation: number;
  /** Attempts that failed (manufacturing failure, QA or assessment rejection). */
  manufacturingFailures: number;
  notInfused: number;
  notInfusedShare: number;
  /** Totals over the patients, in the scenario's currency. */
  cost: CostBreakdown;
  costPerInfusedPatient?: number;
}

/** KPIs of one run. Counts the patients enrolled inside `result.kpiWindow` (all of them without one). */
export function computeKpis(result: SimulationResult, settings: { targetDays: number; costs: Costs }): Kpis {
  const facts = patientsInWindow(result).map(batchFacts).filter((f) => f.outcome !== 'in-flight');
  const infused = facts.filter((f) => f.outcome === 'infused');
  const v2v = infused.map(veinToVeinDays).filter((d): d is number => d !== undefined);
  const notInfused = facts.length - infused.length;
  const cost = costOf(facts, settings.costs);
  return {
    patients: facts.length,
    infused: infused.length,
    veinToVeinMeanDays: v2v.length > 0 ? v2v.reduce((a, d) => a + d, 0) / v2v.length : undefined,
    veinToVeinMedianDays: quantile(v2v, 0.5),
    veinToVeinP90Days: quantile(v2v, 0.9),
    enrolmentToInfusionMedianDays: quantile(infused.map((f) => (f.infusedAt! - f.enrolledAt) / DAY_MS), 0.5),
    infusedWithinTargetShare: share(v2v.filter((d) => d <= settings.targetDays).length, facts.length),
    lineUtilisation: utilisation(result, 'line'),
    lineWaitDays: facts.reduce((a, f) => a + f.lineWaitDays, 0),
    apheresisChairUtilisation: utilisation(result, 'apheresis-chair'),
    infusionChairUtilisation: utilisation(result, 'infusion-chair'),
    manufacturingFailures: facts.reduce((n, f) => n + f.failures, 0),
    notInfused,
    notInfusedShare: share(notInfused, facts.length),
    cost,
    costPerInfusedPatient: infused.length > 0 ? cost.total / infused.length : undefined,
  };
}

export function patientsInWindow(result: SimulationResult): BatchJourneyRecord[] {
  if (!result.kpiWindow) return result.batches;
  const from = Date.parse(result.kpiWindow.from);
  const to = Date.parse(result.kpiWindow.to);
  return result.batches.filter((b) => {
    const at = Date.parse(b.enrolledAt);
    return at >= from && at < to;
  });
}

/** Line-days, QC panels, courier legs, second attempts, and released products never infused, at their unit costs. */
export function costOf(facts: BatchFacts[], costs: Costs): CostBreakdown {
  const sum = (f: (x: BatchFacts) => number) => facts.reduce((a, x) => a + f(x), 0);
  const lineDays = sum((f) => f.lineDays) * costs.lineDay.value;
  const qc = sum((f) => f.qcRuns) * costs.qcTest.value;
  const transport = sum((f) => f.outboundLegs) * costs.transportOutbound.value + sum((f) => f.returnLegs) * costs.transportReturn.value;
  const remanufacture = sum((f) => f.attempts - 1) * costs.remanufacture.value;
  const wastedProduct = sum((f) => (f.releasedAt !== undefined && f.outcome === 'not-infused' ? 1 : 0)) * costs.wastedProduct.value;
  return { lineDays, qc, transport, remanufacture, wastedProduct, total: lineDays + qc + transport + remanufacture + wastedProduct };
}

function utilisation(result: SimulationResult, resource: 'line' | 'apheresis-chair' | 'infusion-chair'): number {
  const uses = (result.resourceUse ?? []).filter((u) => u.resource === resource);
  return share(
    uses.reduce((a, u) => a + u.usedDays, 0),
    uses.reduce((a, u) => a + u.offeredDays, 0),
  );
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
