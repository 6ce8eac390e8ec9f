import { describe, expect, it } from 'vitest';
import { initialState, type JourneyState } from '../../src/domain/batch/index.js';
import { productProfile } from '../../src/domain/profiles.js';
import type { Stage } from '../../src/domain/stages.js';
import type { BatchJourneyRecord } from '../../src/domain/batch/journey-record.js';
import type { ResourceUse, SimulationResult } from '../../src/sim/records.js';
import type { Costs } from '../../src/sim/scenario/costs.js';
import { batchFacts, veinToVeinDays } from '../../src/sim/what-if/batch-facts.js';
import { computeKpis } from '../../src/sim/what-if/kpis.js';
import { meanInterval, quantile, tQuantile975 } from '../../src/sim/what-if/statistics.js';

const T0 = Date.parse('2027-03-01T08:00:00.000Z');
const DAY = 86_400_000;
const at = (day: number) => new Date(T0 + day * DAY).toISOString();

/** A hand-made record: the stages it entered on which days, and what else its final state holds. */
function record(o: { enrolledDay?: number; stages: [Stage, number][]; failedDays?: number[]; legs?: ('outbound' | 'return')[]; attempt?: number; notInfusedReason?: string; ldStartDay?: number }): BatchJourneyRecord {
  const input = { batchId: `b-${o.stages.length}`, coiId: 'COI-TEST', productId: 'autologous-cd19-fresh', profile: productProfile('autologous-cd19-fresh'), apheresisCenterId: 'a', facilityId: 'f', treatmentCenterId: 't', timeScale: 1 };
  const timeline = [
    ...o.stages.map(([stage, day]) => ({ at: at(day), event: 'stage', stage })),
    ...(o.failedDays ?? []).map((day) => ({ at: at(day), event: 'failed' })),
  ].sort((a, b) => a.at.localeCompare(b.at) || (a.event === 'failed' ? -1 : 1));
  const final: JourneyState = {
    ...initialState(input, at(o.enrolledDay ?? -10)),
    stage: o.stages[o.stages.length - 1]![0],
    attempt: o.attempt ?? 1,
    timeline,
    shipments: (o.legs ?? []).map((leg, i) => ({ shipmentId: `s${i}`, leg, state: 'delivered' })),
    ...(o.ldStartDay !== undefined ? { booking: { infusionDate: at(o.ldStartDay + 5), ldStart: at(o.ldStartDay), ldEnd: at(o.ldStartDay + 3), chair: 'c' } } : {}),
  };
  return { input, patientRef: 'p', enrolledAt: at(o.enrolledDay ?? -10), commands: [], events: [], final, attributes: { laneOutboundId: 'o', laneReturnId: 'r', cellYield: 5, ...(o.notInfusedReason ? { notInfusedReason: o.notInfusedReason } : {}) } };
}

const RELEASE: [Stage, number][] = [['QC_TESTING', 13], ['AWAITING_QA_RELEASE', 16], ['RELEASED', 17]];
const infusedOnDay25 = record({
  stages: [['COLLECTED', 0], ['MANUFACTURING', 2], ...RELEASE, ['RETURN_TRANSIT', 17.5], ['RECEIVED_AT_SITE', 18.5], ['INFUSION_SCHEDULED', 18.5], ['INFUSED', 25], ['COMPLETED', 25]],
  legs: ['outbound', 'return'],
  ldStartDay: 20,
});
const failedThenInfusedOnDay45 = record({
  stages: [['COLLECTED', 0], ['MANUFACTURING', 2], ['FAILED', 6], ['APHERESIS_SCHEDULED', 13], ['COLLECTED', 15], ['MANUFACTURING', 17], ['QC_TESTING', 28], ['AWAITING_QA_RELEASE', 31], ['RELEASED', 32], ['RECEIVED_AT_SITE', 34], ['INFUSED', 45], ['COMPLETED', 45]],
  failedDays: [6],
  legs: ['outbound', 'outbound', 'return'],
  attempt: 2,
  ldStartDay: 40,
});
const releasedThenWithdrawn = record({
  stages: [['COLLECTED', 0], ['MANUFACTURING', 1], ['QC_TESTING', 12], ['AWAITING_QA_RELEASE', 14], ['RELEASED', 15], ['CANCELLED', 20]],
  legs: ['outbound'],
  notInfusedReason: 'disease progression',
});
const enrolledBeforeTheWindow = record({ enrolledDay: -100, stages: [['COLLECTED', -90], ['INFUSED', -60], ['COMPLETED', -60]] });

const COSTS: Costs = {
  currency: 'USD',
  lineDay: { value: 1000, source: 't' },
  qcTest: { value: 100, source: 't' },
  transportOutbound: { value: 10, source: 't' },
  transportReturn: { value: 20, source: 't' },
  remanufacture: { value: 5000, source: 't' },
  wastedProduct: { value: 3000, source: 't' },
};
const use = (resource: ResourceUse['resource'], usedDays: number, offeredDays: number): ResourceUse => ({ siteId: 's', resource, usedDays, offeredDays });

function result(batches: BatchJourneyRecord[]): SimulationResult {
  return {
    scenario: 'hand-made', seed: 0, startAt: at(-200), endAt: at(100), batches, equipment: [], maintenance: [], telemetry: [],
    kpiWindow: { from: at(-50), to: at(0) },
    resourceUse: [use('line', 30, 100), use('line', 10, 100), use('apheresis-chair', 5, 20), use('infusion-chair', 1, 10)],
  };
}

describe('batch facts', () => {
  it('reads vein-to-vein from the first collection, line-days per attempt, QC runs and legs', () => {
    const f = batchFacts(failedThenInfusedOnDay45);
    expect(veinToVeinDays(f)).toBe(45);
    expect(f.lineDays).toBe(4 + 11);
    expect([f.qcRuns, f.failures, f.attempts, f.outboundLegs, f.returnLegs]).toEqual([1, 1, 2, 2, 1]);
    expect(batchFacts(record({ stages: [['COLLECTED', 0], ['RECEIVED_AT_FACILITY', 1], ['MANUFACTURING', 3.5], ['QC_TESTING', 14]] })).lineWaitDays).toBe(2.5);
    expect(f.releasedAt! - f.releasedAttemptCollectedAt!).toBe(17 * DAY);
    expect(batchFacts(infusedOnDay25).infusedAt! - batchFacts(infusedOnDay25).ldStartAt!).toBe(5 * DAY);
    expect(batchFacts(releasedThenWithdrawn)).toMatchObject({ outcome: 'not-infused', droppedOut: true });
  });
});

describe('KPIs of a run', () => {
  const k = computeKpis(result([infusedOnDay25, failedThenInfusedOnDay45, releasedThenWithdrawn, enrolledBeforeTheWindow]), { targetDays: 30, costs: COSTS });

  it('count the patients enrolled in the window, their vein-to-vein and who was infused within target', () => {
    expect([k.patients, k.infused, k.notInfused]).toEqual([3, 2, 1]);
    expect(k.veinToVeinMedianDays).toBe(35);
    expect(k.veinToVeinP90Days).toBeCloseTo(43, 9);
    expect(k.veinToVeinMeanDays).toBe(35);
    expect(k.enrolmentToInfusionMedianDays).toBe(45);
    expect(k.infusedWithinTargetShare).toBeCloseTo(1 / 3, 12);
    expect(k.notInfusedShare).toBeCloseTo(1 / 3, 12);
    expect(k.manufacturingFailures).toBe(1);
  });

  it('add up used over offered resource-days', () => {
    expect([k.lineUtilisation, k.apheresisChairUtilisation, k.infusionChairUtilisation]).toEqual([0.2, 0.25, 0.1]);
  });

  it('cost line-days, QC panels, legs, second attempts and released products never infused, per infused patient', () => {
    expect(k.cost).toEqual({ lineDays: 37 * 1000, qc: 3 * 100, transport: 4 * 10 + 2 * 20, remanufacture: 5000, wastedProduct: 3000, total: 45_380 });
    expect(k.costPerInfusedPatient).toBe(22_690);
  });
});

describe('statistics', () => {
  it('quantiles interpolate between order statistics', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.9)).toBe(19);
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it('a mean’s 95 % interval uses Student’s t, and leaves out what is undefined', () => {
    const i = meanInterval([1, 2, 3, undefined]);
    expect(i.mean).toBe(2);
    expect(i.high - i.mean).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect(i.n).toBe(3);
    expect(meanInterval([5])).toEqual({ mean: 5, low: 5, high: 5, n: 1 });
    expect(tQuantile975(120)).toBeCloseTo(1.98, 2);
  });
});
