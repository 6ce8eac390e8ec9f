import { DAY_MS } from '../../domain/durations.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import { NO_RECOLLECTION } from '../twin/partners/commands.js';


/**
 * What KPIs and the calibration need from one batch, read from its final state alone (its
 * timeline of stages, shipments and booking), so hand-made records test the same arithmetic.
 */
export interface BatchFacts {
  productId: string;
  treatmentCenterId: string;
  enrolledAt: number;
  firstCollectionAt?: number;
  /** First release, and the collection of the attempt it came from. */
  releasedAt?: number;
  releasedAttemptCollectedAt?: number;
  infusedAt?: number;
  ldStartAt?: number;
  outcome: 'infused' | 'not-infused' | 'in-flight';
  /** Not infused for a clinical reason (progression, death, ineligibility), not for want of a product. */
  droppedOut: boolean;
  /** Attempts that failed (manufacturing failure, QA or assessment rejection). */
  failures: number;
  attempts: number;
  lineDays: number;
  /** Days between receipt at the facility and the start of manufacturing: the queue for a line (and any hold). */
  lineWaitDays: number;
  qcRuns: number;
  outboundLegs: number;
  returnLegs: number;
}

export function batchFacts(batch: BatchJourneyRecord): BatchFacts {
  const { final } = batch;
  let firstCollectionAt: number | undefined;
  let lastCollectionAt: number | undefined;
  let releasedAt: number | undefined;
  let releasedAttemptCollectedAt: number | undefined;
  let infusedAt: number | undefined;
  let lineFrom: number | undefined;
  let lineMs = 0;
  let receivedAt: number | undefined;
  let waitMs = 0;
  let qcRuns = 0;
  let failures = 0;
  for (const entry of final.timeline) {
    const at = Date.parse(entry.at);
    if (entry.event === 'failed') failures++;
    if (entry.event !== 'stage') continue;
    switch (entry.stage) {
      case 'COLLECTED':
        firstCollectionAt ??= at;
        lastCollectionAt = at;
        break;
      case 'RECEIVED_AT_FACILITY':
        receivedAt ??= at;
        break;
      case 'MANUFACTURING':
        lineFrom ??= at;
        if (receivedAt !== undefined) waitMs += at - receivedAt;
        receivedAt = undefined;
        break;
      case 'QC_TESTING':
        qcRuns++;
        break;
      case 'RELEASED':
        if (releasedAt === undefined) {
          releasedAt = at;
          releasedAttemptCollectedAt = lastCollectionAt;
        }
        break;
      case 'INFUSED':
        infusedAt = at;
        break;
    }
    // The line is held from the start of manufacturing until the product is frozen, or the run ends.
    if (lineFrom !== undefined && (entry.stage === 'QC_TESTING' || entry.stage === 'FAILED' || entry.stage === 'CANCELLED')) {
      lineMs += at - lineFrom;
      lineFrom = undefined;
    }
  }
  const outcome = infusedAt !== undefined ? 'infused' : final.stage === 'CANCELLED' ? 'not-infused' : 'in-flight';
  return {
    productId: batch.input.productId,
    treatmentCenterId: batch.input.treatmentCenterId,
    enrolledAt: Date.parse(batch.enrolledAt),
    firstCollectionAt,
    releasedAt,
    releasedAttemptCollectedAt,
    infusedAt,
    ldStartAt: infusedAt !== undefined && final.booking ? Date.parse(final.booking.ldStart) : undefined,
    outcome,
    droppedOut: outcome === 'not-infused' && batch.attributes.notInfusedReason !== undefined && batch.attributes.notInfusedReason !== NO_RECOLLECTION,
    failures,
    attempts: final.attempt,
    lineDays: lineMs / DAY_MS,
    lineWaitDays: waitMs / DAY_MS,
    qcRuns,
    outboundLegs: final.shipments.filter((s) => s.leg === 'outbound').length,
    returnLegs: final.shipments.filter((s) => s.leg === 'return').length,
  };
}

/** Vein-to-vein days: first collection to infusion. */
export const veinToVeinDays = (f: BatchFacts): number | undefined =>
  f.infusedAt !== undefined && f.firstCollectionAt !== undefined ? (f.infusedAt - f.firstCollectionAt) / DAY_MS : undefined;
