import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseOf, loadScenario, parseScenario, ScenarioError } from '../../src/sim/scenario/load-scenario.js';
import { overlay, type Json } from '../../src/sim/scenario/overlay.js';
import type { ScenarioInput } from '../../src/sim/scenario/scenario.js';
import { baselineJson, scenarioPath } from './twin-fixtures.js';

/** The problems a broken baseline is refused with. */
function problems(change: (s: ScenarioInput) => void): string[] {
  const s = baselineJson();
  change(s);
  try {
    parseScenario(s);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems;
    throw err;
  }
  return [];
}

describe('scenario files', () => {
  it('the baseline and every example what-if are valid', () => {
    for (const file of ['baseline.json', 'line-down-week.json', 'lane-disrupted.json', 'demand-plus-30.json']) {
      expect(loadScenario(scenarioPath(file)).network.facilities).toHaveLength(3);
    }
    expect(loadScenario(scenarioPath('demand-plus-30.json')).demandMultiplier).toBe(1.3);
    expect(loadScenario(scenarioPath('line-down-week.json')).incidents).toEqual([expect.objectContaining({ kind: 'line-outage', lines: 1, days: 7 })]);
    expect(baseOf(scenarioPath('lane-disrupted.json'))).toBe(scenarioPath('baseline.json'));
    expect(baseOf(scenarioPath('baseline.json'))).toBeUndefined();
  });

  it('a bare number is a fixed distribution', () => {
    const s = parseScenario({ ...baselineJson(), equipment: { ...baselineJson().equipment, shipperBackhaulDays: 2 } });
    expect(s.equipment.shipperBackhaulDays).toEqual({ kind: 'fixed', value: 2 });
  });
});

describe('scenario refusals name the field and the rule', () => {
  it.each([
    ['a line count below one', (s: ScenarioInput) => (s.network.facilities[0]!.lines = 0), 'network.facilities.0.lines: Too small'],
    ['fewer bioreactors than lines', (s: ScenarioInput) => (s.network.facilities[0]!.bioreactors = 1), 'network.facilities.0.bioreactors: a facility needs at least one bioreactor per line'],
    ['a misspelt field', (s: ScenarioInput) => Object.assign(s.network, { lane: [] }), 'network: Unrecognized key: "lane"'],
    ['an unknown time zone', (s: ScenarioInput) => (s.network.treatmentCentres[0]!.timeZone = 'Mars/Olympus'), 'network.treatmentCentres.0.timeZone: not an IANA time zone'],
    ['an unknown product', (s: ScenarioInput) => (s.products[0]!.productId = 'allogeneic-x'), 'products.0.productId: unknown product profile'],
    ['an unknown facility', (s: ScenarioInput) => (s.products[1]!.facilityIds = ['facility-mars']), 'products.1.facilityIds.0: no facility "facility-mars"'],
    ['an unknown apheresis centre', (s: ScenarioInput) => (s.network.treatmentCentres[2]!.apheresisCentreId = 'nowhere'), 'network.treatmentCentres.2.apheresisCentreId: no apheresis centre "nowhere"'],
    ['a lane to an unknown region', (s: ScenarioInput) => (s.network.lanes[1]!.to = '@ASIA'), 'network.lanes.1.to: "@ASIA" is neither a site id, an @region nor *'],
    ['a triangular with its mode below its minimum', (s: ScenarioInput) => (s.products[0]!.cellYield = { kind: 'triangular', min: 3, mode: 1, max: 9 }), 'products.0.cellYield.mode: a triangular distribution needs'],
    ['an unknown distribution', (s: ScenarioInput) => (s.products[0]!.cellYield = { kind: 'weibull', shape: 2 }), 'products.0.cellYield.kind: Invalid discriminator value'],
    ['a probability above one', (s: ScenarioInput) => (s.products[0]!.failureProbability = 1.5), 'products.0.failureProbability: Too big'],
    ['assessment shares that do not add up', (s: ScenarioInput) => (s.sensors.assessmentImpact.none = 0.5), 'sensors.assessmentImpact: none + quarantine + reject must be 1'],
    ['an outage of more lines than the facility has', (s: ScenarioInput) => s.incidents!.push({ id: 'x', kind: 'line-outage', facilityId: 'facility-eu', lines: 40, startDay: 1, days: 1 }), 'incidents.0.lines: the facility has only'],
    ['a duplicated site id', (s: ScenarioInput) => (s.network.facilities[2]!.id = 'facility-us-east'), 'network: site id "facility-us-east" is used twice'],
    ['a working day that is no weekday', (s: ScenarioInput) => (s.network.facilities[0]!.workingDays = ['mon', 'funday'] as never), 'network.facilities.0.workingDays.1: Invalid option'],
  ])('%s', (_name, change, expected) => {
    expect(problems(change).join('\n')).toContain(expected);
  });

  it('says every broken rule at once, never the first only', () => {
    const found = problems((s) => {
      s.network.facilities[0]!.lines = -1;
      s.products[0]!.enrolmentPerWeek = 'many' as never;
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^network\.facilities\.0\.lines:/), expect.stringMatching(/^products\.0\.enrolmentPerWeek:/)]));
  });

  it('refuses a file that cannot be read, is not JSON, or extends itself round a cycle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'v2v-scenario-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ extends: 'b.json' }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ extends: 'a.json' }));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(() => loadScenario(join(dir, 'missing.json'))).toThrow(/\(file\): cannot be read \(ENOENT\)/);
    expect(() => loadScenario(join(dir, 'bad.json'))).toThrow(/\(file\): not JSON/);
    expect(() => loadScenario(join(dir, 'a.json'))).toThrow(/extends: .* is a cycle/);
  });
});

type Merged = { demandMultiplier: number; products: Record<string, Json>[]; incidents: { id: string }[]; days: string[] };

describe('overlays', () => {
  const base: Json = {
    demandMultiplier: 1,
    products: [{ productId: 'p', enrolmentPerWeek: 1, cellYield: { kind: 'lognormal', median: 5, sigma: 0.6 } }],
    incidents: [{ id: 'a', kind: 'line-outage', lines: 1 }],
    days: ['mon', 'tue'],
  };

  it('merges objects field by field and items with an id by id, appending new ones', () => {
    const merged = overlay(base, { products: [{ productId: 'p', enrolmentPerWeek: 2 }], incidents: [{ id: 'b', kind: 'lane-disruption' }] }) as Merged;
    expect(merged.products).toEqual([{ productId: 'p', enrolmentPerWeek: 2, cellYield: { kind: 'lognormal', median: 5, sigma: 0.6 } }]);
    expect(merged.incidents.map((i) => i.id)).toEqual(['a', 'b']);
    expect(merged.demandMultiplier).toBe(1);
  });

  it('replaces a distribution whole and any array without ids', () => {
    const merged = overlay(base, { products: [{ productId: 'p', cellYield: { kind: 'fixed', value: 4 } }], days: ['fri'] }) as Merged;
    expect(merged.products[0]!.cellYield).toEqual({ kind: 'fixed', value: 4 });
    expect(merged.days).toEqual(['fri']);
  });
});
