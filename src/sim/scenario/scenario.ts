import { z } from 'zod';
import { PRODUCT_PROFILES } from '../../domain/profiles.js';
import { allocationSchema } from './allocation.js';
import { costsSchema } from './costs.js';
import { equipmentParametersSchema } from './equipment-parameters.js';
import { incidentSchema } from './incidents.js';
import { networkSchema, type Network } from './network.js';
import { productParametersSchema } from './product-parameters.js';
import { sensorParametersSchema } from './sensors.js';

/**
 * A scenario: the network, its products, equipment, sensors, unit costs and incidents. Every number
 * the twin draws comes from here (docs/twin.md gives each one's source), none from code.
 */
const scenarioObject = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** First day of the simulation (UTC midnight). */
    startDate: z.iso.date(),
    horizon: z
      .object({
        /** Years of enrolment; batches enrolled then are followed to their end. */
        years: z.number().positive(),
        /** KPIs leave out patients enrolled in the first days, while the empty network fills. */
        warmupDays: z.number().min(0),
      })
      .strict(),
    /** Multiplies every enrolment rate (a what-if of demand). */
    demandMultiplier: z.number().positive().default(1),
    /** The vein-to-vein time a patient should be infused within, days (the share that is is a KPI). */
    veinToVeinTargetDays: z.number().positive(),
    network: networkSchema,
    products: z.array(productParametersSchema).min(1),
    sensors: sensorParametersSchema,
    equipment: equipmentParametersSchema,
    costs: costsSchema,
    incidents: z.array(incidentSchema).default([]),
    /** How lines, chairs and collections are allocated (issue 18); left out, the twin allocates as it always has. */
    allocation: allocationSchema.optional(),
  })
  .strict();

export const scenarioSchema = scenarioObject.superRefine(checkReferences);

export type Scenario = z.infer<typeof scenarioSchema>;
/** What a scenario file may contain before defaults apply. */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Ids must point at things that exist, and say which field does not. */
function checkReferences(s: z.output<typeof scenarioObject>, ctx: z.RefinementCtx) {
  const { network } = s;
  const sites = siteIds(network);
  const duplicate = [...sites.all].find((id, i, all) => all.indexOf(id) !== i);
  if (duplicate) ctx.addIssue({ code: 'custom', path: ['network'], message: `site id "${duplicate}" is used twice` });
  network.treatmentCentres.forEach((t, i) => {
    if (!sites.apheresis.has(t.apheresisCentreId)) {
      ctx.addIssue({ code: 'custom', path: ['network', 'treatmentCentres', i, 'apheresisCentreId'], message: `no apheresis centre "${t.apheresisCentreId}"` });
    }
  });
  network.lanes.forEach((lane, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!isEndpoint(lane[end], sites.all, network)) ctx.addIssue({ code: 'custom', path: ['network', 'lanes', i, end], message: `"${lane[end]}" is neither a site id, an @region nor *` });
    }
  });
  const known = PRODUCT_PROFILES.map((p) => p.id);
  s.products.forEach((p, i) => {
    if (!known.includes(p.productId)) ctx.addIssue({ code: 'custom', path: ['products', i, 'productId'], message: `unknown product profile; known: ${known.join(', ')}` });
    p.facilityIds.forEach((f, j) => {
      if (!sites.facilities.has(f)) ctx.addIssue({ code: 'custom', path: ['products', i, 'facilityIds', j], message: `no facility "${f}"` });
    });
  });
  s.incidents.forEach((incident, i) => {
    if (incident.kind === 'line-outage') {
      const facility = network.facilities.find((f) => f.id === incident.facilityId);
      if (!facility) ctx.addIssue({ code: 'custom', path: ['incidents', i, 'facilityId'], message: `no facility "${incident.facilityId}"` });
      else if (incident.lines > facility.lines) ctx.addIssue({ code: 'custom', path: ['incidents', i, 'lines'], message: `the facility has only ${facility.lines} lines` });
    } else {
      for (const end of ['from', 'to'] as const) {
        if (!isEndpoint(incident[end], sites.all, network)) ctx.addIssue({ code: 'custom', path: ['incidents', i, end], message: `"${incident[end]}" is neither a site id, an @region nor *` });
      }
    }
  });
}

function siteIds(n: Network) {
  const apheresis = new Set(n.apheresisCentres.map((s) => s.id));
  const facilities = new Set(n.facilities.map((s) => s.id));
  const all = [...n.apheresisCentres, ...n.treatmentCentres, ...n.facilities].map((s) => s.id);
  return { apheresis, facilities, all };
}

function isEndpoint(end: string, ids: string[], n: Network): boolean {
  if (end === '*') return true;
  if (end.startsWith('@')) return [...n.apheresisCentres, ...n.treatmentCentres, ...n.facilities].some((s) => s.region === end.slice(1));
  return ids.includes(end);
}
