import { describe, expect, it } from 'vitest';
import { stillAhead, type JourneyState } from '../../src/domain/batch/index.js';
import { landmarkRows, servingRow } from '../../src/forecast/features/index.js';
import { DAY, Journey, journeyInput, T0 } from '../domain/batch/journey-fixtures.js';
import { ATTRIBUTES, movedStage, recorded } from './landmark-fixtures.js';

/** Drives a batch and keeps the state the workflow holds after each decision that moved it. */
function drivenWithLandmarks(journey: Journey, until: (j: Journey) => boolean = () => false) {
  const seen: { state: JourneyState; at: string }[] = [];
  let count = 0;
  journey.drive((j) => {
    const fresh = j.events.slice(count);
    count = j.events.length;
    if (movedStage(fresh) && stillAhead(j.state, 'RECEIVED_AT_SITE')) seen.push({ state: j.state, at: fresh.at(-1)!.at });
    return until(j);
  });
  return seen;
}

describe('landmark rows', () => {
  it('the serving row of the state at each landmark equals the training row of that landmark', () => {
    const journey = new Journey();
    const seen = drivenWithLandmarks(journey);
    const { rows, spec } = landmarkRows([recorded(journey, new Date(T0).toISOString())]);

    expect(rows.map((r) => r.stage)).toContain('MANUFACTURING');
    expect(rows).toHaveLength(seen.length);
    const served = seen.map(({ state, at }) =>
      servingRow(state, { at, queue: { manufacturing: 0, qc: 0 }, lanes: { outbound: ATTRIBUTES.laneOutboundId, return: ATTRIBUTES.laneReturnId }, cellYield: ATTRIBUTES.cellYield }, spec),
    );
    expect(rows.map((r) => r.features)).toEqual(served);
    expect(rows.map((r) => r.at)).toEqual(seen.map((s) => s.at));
  });

  it('labels each landmark with the days left to release and to receipt at site, and nothing after receipt', () => {
    const journey = new Journey();
    journey.drive();
    const { rows } = landmarkRows([recorded(journey, new Date(T0).toISOString())]);
    const entry = (stage: string) => journey.events.find((e) => e.type === 'stage-changed' && e.to === stage)!.at;
    for (const r of rows) {
      expect(r.targets.infusion_ready_days).toBeCloseTo((Date.parse(entry('RECEIVED_AT_SITE')) - Date.parse(r.at)) / DAY, 9);
      if (stillAhead({ ...journey.state, stage: r.stage }, 'RELEASED')) expect(r.outcomeAt.release_days).toBe(entry('RELEASED'));
      else expect(r.targets.release_days).toBeNull();
    }
    expect(rows.some((r) => r.stage === 'RELEASED' && r.targets.release_days === null && r.targets.infusion_ready_days! > 0)).toBe(true);
  });

  it('a hold on an excursion is a landmark that knows the open excursion and the stage it holds', () => {
    const journey = new Journey();
    journey.drive((j) => j.state.stage === 'OUTBOUND_TRANSIT');
    journey.advance(DAY / 4).send({ type: 'excursion', change: { excursionId: 'x1', change: 'opened', kind: 'excursion', deviceId: 'logger-1', metric: 'temperature_c', at: journey.iso() } });
    const held = { state: journey.state, at: journey.iso() };
    journey.drive();
    const { rows, spec } = landmarkRows([recorded(journey, new Date(T0).toISOString())]);

    const row = rows.find((r) => r.stage === 'ON_HOLD')!;
    expect(row.at).toBe(held.at);
    expect(row.features).toEqual(servingRow(held.state, { at: held.at, queue: { manufacturing: 0, qc: 0 }, lanes: { outbound: ATTRIBUTES.laneOutboundId, return: ATTRIBUTES.laneReturnId }, cellYield: ATTRIBUTES.cellYield }, spec));
    expect(row.features).toMatchObject({ held_from: spec.vocabularies.stage.indexOf('OUTBOUND_TRANSIT'), open_excursions: 1, open_issues: 1, hours_in_stage: 0 });
    expect(row.targets.release_days).toBeGreaterThan(0);
  });

  it('knows the cell yield only once the batch has been collected', () => {
    const journey = new Journey();
    journey.drive();
    const { rows } = landmarkRows([recorded(journey, new Date(T0).toISOString())]);
    expect(rows.find((r) => r.stage === 'APHERESIS_SCHEDULED')!.features.cell_yield).toBeNull();
    expect(rows.find((r) => r.stage === 'MANUFACTURING')!.features.cell_yield).toBe(ATTRIBUTES.cellYield);
  });

  it('a cancelled batch gives no row, and a batch in flight gives none past the history end', () => {
    const cancelled = new Journey(journeyInput());
    cancelled.drive((j) => j.state.stage === 'MANUFACTURING');
    cancelled.advance(DAY).send({ type: 'cancel', command: { reason: 'patient not eligible', actor: { name: 'Dr A', role: 'physician' } } });
    expect(cancelled.state.stage).toBe('CANCELLED');
    expect(landmarkRows([recorded(cancelled, new Date(T0).toISOString())]).rows).toEqual([]);

    const inFlight = new Journey(journeyInput());
    inFlight.drive((j) => j.state.stage === 'QC_TESTING');
    const end = inFlight.iso();
    inFlight.drive();
    expect(landmarkRows([recorded(inFlight, new Date(T0).toISOString())], { historyEnd: end }).rows).toEqual([]);
  });

  it('encodes categories with the spec, an unknown value as missing', () => {
    const journey = new Journey(journeyInput());
    journey.drive();
    const batch = recorded(journey, new Date(T0).toISOString());
    const { spec } = landmarkRows([batch]);
    const elsewhere = { ...batch, input: { ...batch.input, facilityId: 'facility-never-seen' } };
    const { rows } = landmarkRows([elsewhere], { spec });
    expect(rows[0]!.features.facility).toBeNull();
    expect(rows[0]!.features.product).toBe(spec.vocabularies.product.indexOf(batch.input.productId));
    expect(spec.vocabularies.product).toEqual([batch.input.productId]);
  });
});
