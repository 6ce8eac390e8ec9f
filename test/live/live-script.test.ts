import { describe, expect, it } from 'vitest';
import { HANDOFF_STEPS, MILESTONES } from '../../src/domain/commands.js';
import { productProfile } from '../../src/domain/profiles.js';
import { DEMO_INCIDENTS } from '../../src/live/demo-script.js';
import { checkIncidents, incidentsFileSchema, loadIncidents } from '../../src/live/incidents.js';
import type { AwaitingStep } from '../../src/live/v2v-api.js';
import { scenarioIncidents, scenarioPace } from '../../src/live/scenario-pace.js';
import { legChannels, spellShape } from '../../src/live/sensor-values.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { Random } from '../../src/domain/random.js';

const baseline = loadScenario('scenarios/baseline.json');

describe("live mode's script", () => {
  it('reads the example incidents file and fills in the defaults', async () => {
    const incidents = await loadIncidents('docs/live-incidents.example.json');
    expect(incidents.map((i) => i.kind)).toEqual(['transit-excursion', 'late-courier', 'degrading-bioreactor']);
    expect(incidentsFileSchema.parse({ incidents: [{ kind: 'late-courier', patient: 1 }] }).incidents[0]).toEqual({ kind: 'late-courier', patient: 1, leg: 'outbound', lateHours: 6 });
    expect(incidentsFileSchema.parse({ incidents: [{ kind: 'booking-at-risk', patient: 3 }] }).incidents[0]).toEqual({ kind: 'booking-at-risk', patient: 3, slipDays: 4 });
  });

  it("keeps the demo's script valid for its smallest run: three patients, one story each", () => {
    expect(incidentsFileSchema.parse({ incidents: DEMO_INCIDENTS }).incidents).toEqual(DEMO_INCIDENTS);
    expect(() => checkIncidents(DEMO_INCIDENTS, 3)).not.toThrow();
    expect(DEMO_INCIDENTS.map((i) => i.kind).sort()).toEqual(['booking-at-risk', 'degrading-bioreactor', 'transit-excursion']);
  });

  it('refuses an incident with an unknown field, a leg that does not exist or a patient the run will not have', () => {
    expect(incidentsFileSchema.safeParse({ incidents: [{ kind: 'transit-excursion', patient: 1, minuets: 5 }] }).success).toBe(false);
    expect(incidentsFileSchema.safeParse({ incidents: [{ kind: 'late-courier', patient: 1, leg: 'sideways' }] }).success).toBe(false);
    expect(() => checkIncidents([{ kind: 'late-courier', patient: 5, leg: 'return', lateHours: 1 }], 4)).toThrow(/patient 5, but the run has 4 patients/);
  });

  it('carries a shipper past its limit during the spell and back inside it after', () => {
    const leg = productProfile('autologous-bcma-cryo').legs.outbound;
    const spell = { startsAt: 1_000, durationMs: 2_000 };
    const [temperature] = legChannels(leg, new Random(1), spell);
    expect(temperature!.value(500)).toBeLessThan(leg.tempMaxC - 20);
    expect(temperature!.value(2_000)).toBeGreaterThan(leg.tempMaxC + 5);
    expect(temperature!.value(3_500)).toBeLessThan(leg.tempMaxC - 20);
    expect([0, 1_000, 1_200, 2_000, 3_000].map((t) => spellShape(t, spell, 0.2))).toEqual([0, 0, 0.5, 1, 0]);
  });

  it("draws the same excursions at the scenario's rates for the same seed, never where the script has one", () => {
    const scripted = [{ kind: 'transit-excursion' as const, patient: 1, leg: 'outbound' as const, afterHours: 2, minutes: 20 }];
    const drawn = scenarioIncidents(baseline, 400, 3, scripted);
    expect(scenarioIncidents(baseline, 400, 3, scripted)).toEqual(drawn);
    // About 2 % of 800 legs and 3 % of 400 bioreactor runs.
    expect(drawn.filter((i) => i.kind === 'transit-excursion').length).toBeGreaterThan(5);
    expect(drawn.filter((i) => i.kind === 'degrading-bioreactor').length).toBeGreaterThan(3);
    expect(drawn.some((i) => i.kind === 'transit-excursion' && i.patient === 1 && i.leg === 'outbound')).toBe(false);
  });

  it("paces every step a partner answers with the scenario's positive durations", () => {
    const pace = scenarioPace(baseline);
    const random = new Random(9);
    const steps: AwaitingStep[] = [
      ...HANDOFF_STEPS.map((step) => ({ kind: 'handoff' as const, step })),
      ...MILESTONES.map((milestone) => ({ kind: 'milestone' as const, milestone })),
      { kind: 'qa-disposition' },
      { kind: 'excursion-assessment', excursionId: 'x' },
    ];
    for (const productId of ['autologous-cd19-fresh', 'autologous-bcma-cryo']) {
      for (const step of steps) expect(pace.days(productProfile(productId), step, random), JSON.stringify(step)).toBeGreaterThan(0);
    }
  });
});
