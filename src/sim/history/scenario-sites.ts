import type { Scenario } from '../scenario/scenario.js';
import type { SiteFacts } from './network-rows.js';

/**
 * What the scenario says of each site, as a `sites` row holds it: its kind, its time zone, and
 * the capacity V2V books against (infusion chairs at treatment centres, lines at facilities).
 */
export function scenarioSites(scenario: Scenario): (twinSiteId: string) => SiteFacts {
  const { network } = scenario;
  const facts = new Map<string, SiteFacts>([
    ...network.apheresisCentres.map((a) => [a.id, { kind: 'apheresis_center', timezone: a.timeZone, infusionChairs: 0, manufacturingLines: 0 }] as const),
    ...network.treatmentCentres.map((t) => [t.id, { kind: 'treatment_center', timezone: t.timeZone, infusionChairs: t.infusionChairsPerDay, manufacturingLines: 0 }] as const),
    ...network.facilities.map((f) => [f.id, { kind: 'manufacturing_facility', timezone: f.timeZone, infusionChairs: 0, manufacturingLines: f.lines }] as const),
  ]);
  return (id) => facts.get(id) ?? {};
}
