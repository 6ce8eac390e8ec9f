import type { Incident } from './incidents.js';

/**
 * The demo's three stories, on its first three patients (products go in turn: 1 and 3 fresh, 2
 * cryopreserved), so that `--patients 3` still tells all of them:
 * - patient 1's bioreactor degrades: its pH sinks and grows noisy four days into manufacturing (after
 *   a few quiet days its assessments compare against), ingest opens an equipment excursion that
 *   holds the batch until QA assesses it, and the unit's next assessment (once a day of the run's
 *   clock) finds its failure risk over the threshold: a maintenance ticket and its alert;
 * - patient 2's dry shipper warms up on the way to the facility: an excursion in transit, held for QA;
 * - patient 3's infusion is booked on release, close to the forecast; the return pickup slips four
 *   days, the forecast's P90 passes the LD start, the booking is flagged at risk and then moved.
 */
export const DEMO_INCIDENTS: Incident[] = [
  { kind: 'degrading-bioreactor', patient: 1, afterDays: 4, minutes: 40 },
  { kind: 'transit-excursion', patient: 2, leg: 'outbound', afterHours: 2, minutes: 20 },
  { kind: 'booking-at-risk', patient: 3, slipDays: 4 },
];
