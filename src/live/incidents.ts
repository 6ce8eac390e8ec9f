import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SHIPMENT_LEGS } from '../domain/stages.js';

/**
 * What goes wrong in a live run, and when: the incidents file (`--incidents FILE`). Times on the
 * journey (hours after pickup, days into manufacturing) are on the batch's clock; how long sensor
 * readings stay out of range is on the sensors' clock, the one `v2v ingest` judges them on.
 */
const patient = z.int().min(1).describe('Which patient, by enrolment order (1 is the first).');
const leg = z.enum(SHIPMENT_LEGS).default('outbound');

export const incidentSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('transit-excursion').describe("The shipper's temperature leaves its range in transit."),
    patient,
    leg,
    afterHours: z.number().min(0).default(2).describe('Hours after pickup when the temperature starts to rise.'),
    minutes: z.number().positive().default(20).describe('Sensor minutes from the first rise until back in range.'),
  }),
  z.strictObject({
    kind: z.literal('late-courier').describe("The receipt scan comes after the leg's stability window."),
    patient,
    leg,
    lateHours: z.number().positive().default(6).describe('Hours past the stability window when the shipment is received.'),
  }),
  z.strictObject({
    kind: z.literal('degrading-bioreactor').describe("The bioreactor's pH drifts out of range, noisier as it goes, then recovers."),
    patient,
    afterDays: z.number().min(0).default(1).describe('Days after manufacturing starts when the drift begins.'),
    minutes: z.number().positive().default(40).describe('Sensor minutes from the start of the drift until back in range.'),
  }),
  z.strictObject({
    kind: z.literal('booking-at-risk').describe("The infusion is booked on release, a day after the forecast's P90; the return pickup then comes late."),
    patient,
    slipDays: z.number().positive().default(4).describe('Days the return pickup comes later than the pace says.'),
  }),
]);
export type Incident = z.infer<typeof incidentSchema>;
export type IncidentKind = Incident['kind'];

export const incidentsFileSchema = z.strictObject({ incidents: z.array(incidentSchema) });

/** Reads and checks an incidents file; a bad one stops the run with a sentence naming the field. */
export async function loadIncidents(path: string): Promise<Incident[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read the incidents file ${path}: ${err instanceof Error ? err.message : String(err)}.`);
  }
  const parsed = incidentsFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`The incidents file ${path} is not valid: ${problems}.`);
  }
  return parsed.data.incidents;
}

/** Incidents for patients that will not exist are a mistake in the file, not something to skip quietly. */
export function checkIncidents(incidents: readonly Incident[], patients: number): void {
  const beyond = incidents.filter((i) => i.patient > patients);
  if (beyond.length > 0) {
    throw new Error(`Incidents name patient ${beyond.map((i) => i.patient).join(', ')}, but the run has ${patients} patient${patients === 1 ? '' : 's'}.`);
  }
}

/** The incident of one kind for one patient (and leg), if the script has one. */
export function incidentFor<K extends IncidentKind>(incidents: readonly Incident[], kind: K, n: number, legName?: string): Extract<Incident, { kind: K }> | undefined {
  return incidents.find((i): i is Extract<Incident, { kind: K }> => i.kind === kind && i.patient === n && (legName === undefined || !('leg' in i) || i.leg === legName));
}
