import { describe, expect, it } from 'vitest';
import type { JourneyState } from '../../src/domain/batch/index.js';
import { forecastByTwin, type ForecastBand } from '../../src/sim/forecast-by-twin.js';
import { Journey, journeyInput } from '../domain/batch/journey-fixtures.js';
import { baselineScenario } from './twin-fixtures.js';

/** A batch driven by the decider's test partners until `stop` (sites the scenario does not know: UTC, `*` lanes). */
function batchUntil(stop: (j: Journey) => boolean, productId = 'autologous-cd19-fresh'): JourneyState {
  const j = new Journey(journeyInput(productId));
  j.drive((x) => x.state.slot.state === 'requested' || stop(x));
  if (!stop(j)) {
    j.answerSlot(true);
    j.drive(stop);
  }
  return j.state;
}

const ms = (band: ForecastBand) => [band.p10, band.p50, band.p90].map(Date.parse) as [number, number, number];
const width = (band: ForecastBand) => ms(band)[2] - ms(band)[0];
const scenario = baselineScenario();

describe('forecast by simulation from one batch’s state', () => {
  const ordered = batchUntil(() => true);
  const inQc = batchUntil((j) => j.state.stage === 'QC_TESTING');
  const released = batchUntil((j) => j.state.stage === 'RELEASED');

  it('gives ordered P10 ≤ P50 ≤ P90 of release and of infusion-ready, infusion-ready after release', () => {
    const f = forecastByTwin(ordered, 60, { scenario });
    expect(f.method).toBe('digital-twin');
    expect(f.released).toBeGreaterThanOrEqual(55);
    const [r10, r50, r90] = ms(f.release!);
    const [i10, i50, i90] = ms(f.infusionReadyAt!);
    expect(r10).toBeLessThanOrEqual(r50);
    expect(r50).toBeLessThanOrEqual(r90);
    expect(i10).toBeLessThanOrEqual(i50);
    expect(i50).toBeLessThanOrEqual(i90);
    expect(i50).toBeGreaterThan(r50);
    // A fresh product: release about 2–3 weeks after enrolment, the collection included.
    const enrolled = Date.parse(ordered.timeline[0]!.at);
    expect((r50 - enrolled) / 86_400_000).toBeGreaterThan(15);
    expect((r50 - enrolled) / 86_400_000).toBeLessThan(35);
  });

  it('narrows as the batch advances: a batch in QC is surer of its release than one just enrolled', () => {
    expect(width(forecastByTwin(inQc, 60, { scenario }).release!)).toBeLessThan(width(forecastByTwin(ordered, 60, { scenario }).release!));
  });

  it('puts a released batch’s release at its release time, with no spread', () => {
    const f = forecastByTwin(released, 30, { scenario });
    const releasedAt = Date.parse([...released.timeline].reverse().find((t) => t.stage === 'RELEASED')!.at);
    expect(ms(f.release!)).toEqual([releasedAt, releasedAt, releasedAt]);
    expect(ms(f.infusionReadyAt!)[0]).toBeGreaterThan(releasedAt);
  });

  it('is reproducible by seed, never changes the state it starts from, and forecasts from a later time', () => {
    const before = JSON.stringify(inQc);
    expect(forecastByTwin(inQc, 20, { scenario, seed: 3 })).toEqual(forecastByTwin(inQc, 20, { scenario, seed: 3 }));
    expect(JSON.stringify(inQc)).toBe(before);
    const later = Date.parse(inQc.timeline.at(-1)!.at) + 2 * 86_400_000;
    expect(ms(forecastByTwin(inQc, 20, { scenario, now: later }).release!)[0]).toBeGreaterThanOrEqual(later);
  });

  it('forecasts a cryopreserved product later than a fresh one', () => {
    const fresh = forecastByTwin(ordered, 40, { scenario });
    const cryo = forecastByTwin(batchUntil(() => true, 'autologous-bcma-cryo'), 40, { scenario });
    expect(ms(cryo.release!)[1]).toBeGreaterThan(ms(fresh.release!)[1] + 10 * 86_400_000);
  });
});
