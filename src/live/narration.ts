import type { BatchDetail } from './v2v-api.js';
import type { Incident } from './incidents.js';

/** What a live run tells its watcher, patient by patient. */
type About = { patient: number; productId: string };
export type LiveEvent =
  | (About & { type: 'enrolled'; batchId: string; coiId: string })
  | (About & { type: 'stage'; stage: BatchDetail['stage']; forecast?: NonNullable<BatchDetail['forecast']> })
  | (About & { type: 'incident'; incident: Incident['kind']; detail: string })
  | (About & { type: 'held'; kind: string; reason: string; issueId: string })
  | (About & { type: 'assessed'; issueId: string; impact: string; signer: string })
  | (About & { type: 'waitlisted' })
  | (About & { type: 'chain'; collectionDay: string; facilityId: string; fromWaitlist: boolean })
  | (About & { type: 'finished'; batchId: string; stage: BatchDetail['stage']; simulatedDays: number; custodyRecords: number; holds: number });

/** One line per event, for a terminal: the patient, the product and what happened. */
export function describe(event: LiveEvent): string {
  const who = `patient ${String(event.patient).padStart(2)} ${event.productId.padEnd(22)}`;
  switch (event.type) {
    case 'enrolled':
      return `${who} enrolled: batch ${event.batchId}, COI ${event.coiId}`;
    case 'stage': {
      const forecast = event.forecast ? `  (ready P50 ${event.forecast.readyP50.slice(0, 19)}, ${event.forecast.method})` : '';
      return `${who} ${event.stage}${forecast}`;
    }
    case 'incident':
      return `${who} ! ${event.incident}: ${event.detail}`;
    case 'held':
      return `${who} ! held for QA: ${event.kind} (${event.reason})`;
    case 'assessed':
      return `${who} ✓ QA (${event.signer}) assessed ${event.issueId}: impact ${event.impact}`;
    case 'waitlisted':
      return `${who} waitlisted: no slot chain fits the horizon yet`;
    case 'chain':
      return `${who} slot chain${event.fromWaitlist ? ' from the waitlist' : ''}: collection on ${event.collectionDay} (simulated), line at ${event.facilityId}`;
    case 'finished':
      return `${who} ${event.stage} after about ${event.simulatedDays.toFixed(0)} simulated days; ${event.custodyRecords} custody records, hash-chained`;
  }
}
