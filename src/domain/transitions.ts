import { JOURNEY, type Stage } from './stages.js';

/**
 * Which stage may follow which (DESIGN §3). Written out in full (ON_HOLD aside), so an auditor
 * can read every allowed move in one place. The rules behind the table:
 * - each journey stage moves to the next one;
 * - any stage that has not ended may be put ON_HOLD, and a hold is lifted back to the stage it left;
 * - manufacturing, QC, QA review and a hold may end in FAILED;
 * - a FAILED batch is re-collected under the same COI or cancelled;
 * - anything before infusion may be CANCELLED; once infused there is nothing to cancel;
 * - a cancelled infusion booking returns the batch to RECEIVED_AT_SITE;
 * - COMPLETED and CANCELLED are end states.
 */
export const ALLOWED_TRANSITIONS: Record<Stage, readonly Stage[]> = {
  ORDERED: ['APHERESIS_SCHEDULED', 'ON_HOLD', 'CANCELLED'],
  APHERESIS_SCHEDULED: ['COLLECTED', 'ON_HOLD', 'CANCELLED'],
  COLLECTED: ['OUTBOUND_TRANSIT', 'ON_HOLD', 'CANCELLED'],
  OUTBOUND_TRANSIT: ['RECEIVED_AT_FACILITY', 'ON_HOLD', 'CANCELLED'],
  RECEIVED_AT_FACILITY: ['MANUFACTURING', 'ON_HOLD', 'CANCELLED'],
  MANUFACTURING: ['QC_TESTING', 'ON_HOLD', 'FAILED', 'CANCELLED'],
  QC_TESTING: ['AWAITING_QA_RELEASE', 'ON_HOLD', 'FAILED', 'CANCELLED'],
  AWAITING_QA_RELEASE: ['RELEASED', 'ON_HOLD', 'FAILED', 'CANCELLED'],
  RELEASED: ['RETURN_TRANSIT', 'ON_HOLD', 'CANCELLED'],
  RETURN_TRANSIT: ['RECEIVED_AT_SITE', 'ON_HOLD', 'CANCELLED'],
  RECEIVED_AT_SITE: ['INFUSION_SCHEDULED', 'ON_HOLD', 'CANCELLED'],
  // Back to RECEIVED_AT_SITE when the scheduler cancels the booking.
  INFUSION_SCHEDULED: ['INFUSED', 'RECEIVED_AT_SITE', 'ON_HOLD', 'CANCELLED'],
  INFUSED: ['COMPLETED', 'ON_HOLD'],
  COMPLETED: [],
  // A hold returns to the stage it left; the workflow remembers which one.
  ON_HOLD: [...JOURNEY.filter((stage) => stage !== 'COMPLETED'), 'FAILED', 'CANCELLED'],
  FAILED: ['APHERESIS_SCHEDULED', 'ON_HOLD', 'CANCELLED'],
  CANCELLED: [],
};

export function canTransition(from: Stage, to: Stage): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export function isEndState(stage: Stage): boolean {
  return ALLOWED_TRANSITIONS[stage].length === 0;
}
