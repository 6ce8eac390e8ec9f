// The side effects a batch needs, as one interface: production builds them with
// createBatchActivities(deps) on PostgreSQL; workflow tests pass an in-memory double.
import type { AlertSeverity } from '../src/domain/alerts.js';
import type { Forecast, JourneyState, SlotChain } from '../src/domain/batch/index.js';
import type { Actor } from '../src/domain/commands.js';
import type { Leg } from '../src/domain/stages.js';
import type { StageChangeInput } from '../src/outbox/batch-events.js';

/** A stage change is what goes out as the outbound event, so its shape lives with the event. */
export type { StageChangeInput };

/**
 * Every activity is idempotent, so a retry after a lost response writes nothing twice, in one of
 * two ways:
 * - keyed: the input carries a key the workflow derives deterministically, and the first write
 *   under it wins: appendCustodyRecord (`key`, e.g. `${batchId}:custody:7`), recordStageChange
 *   (`eventId`), createShipment and completeShipment (`shipmentId`), notify (`key`), and
 *   forecastTurnaround (keyed by batch and the landmark's instant `at`);
 * - by batch: a batch holds at most one reserved manufacturing slot and one active infusion
 *   booking, so reserveManufacturingSlot returns the slot the batch already holds, bookInfusion the
 *   same booking asked again (another day or chair moves it), and the release and cancel
 *   activities change only what is still reserved, active or open.
 */
export interface CustodyRecordInput {
  key: string;
  batchId: string;
  /** handoff | deviation | qa-disposition | excursion-assessment | booking | cancellation | escalation | … */
  kind: string;
  step?: string;
  actor: Actor;
  location?: string;
  /** The meaning of a signature (21 CFR 11.50): "received", "released for infusion", … */
  meaning?: string;
  data?: Record<string, unknown>;
  occurredAt: string;
}

export interface BatchActivities {
  appendCustodyRecord(input: CustodyRecordInput): Promise<{ seq: number; hash: string }>;
  /** Updates the batch row, records the stage history and writes the outbound event to the outbox, in one transaction. */
  recordStageChange(input: StageChangeInput): Promise<void>;
  /** The batch's one reserved slot: a free line of the facility, or the slot the batch already holds. */
  reserveManufacturingSlot(input: { batchId: string; facilityId: string; from: string; to: string }): Promise<{ slotId: string; line: string }>;
  releaseManufacturingSlot(input: { batchId: string }): Promise<void>;
  /**
   * The line the batch's chain holds ahead becomes its reserved line for the real window from receipt
   * (idempotent: confirming again returns the same answer). `confirmed: false` when the line is lost
   * (the window no longer fits and no other line is free): the slot held ahead is then given back,
   * and the workflow asks for a free line as a batch without a chain does.
   */
  confirmChainLine(input: { batchId: string; from: string; to: string }): Promise<{ confirmed: boolean }>;
  /**
   * Plans the batch's chain again from `earliestDay` under the same rules, superseding the one it
   * holds (in one transaction): the new chain, or none when nothing fits the horizon (the batch is
   * waitlisted). Idempotent by batch: asked again, the chain booked by the first call is returned.
   */
  replanChain(input: { batchId: string; earliestDay: string; reason: string }): Promise<{ chain?: SlotChain }>;
  /** Gives back the chain's collection booking and line held ahead (or its waitlist place); releasing again changes nothing. */
  releaseChain(input: { batchId: string; reason: string }): Promise<void>;
  createShipment(input: { shipmentId: string; batchId: string; leg: Leg; fromSiteId: string; toSiteId: string; departedAt: string; stabilityDeadline: string }): Promise<void>;
  completeShipment(input: { shipmentId: string; state: 'delivered' | 'cancelled'; at: string }): Promise<void>;
  /** Marks every shipment of the batch that is still planned or in transit as cancelled. */
  cancelOpenShipments(input: { batchId: string; at: string }): Promise<void>;
  /**
   * Books a free chair (or the one asked for) for the day `infusionDate` begins: on the real clock
   * the calendar day at the site, to its next local midnight; on a compressed one DAY_MS / timeScale
   * (the time scale the batch was enrolled with, not the worker's); fails with ERR_SLOT_TAKEN when
   * none is free. The batch's one active booking: asked again it is returned, another day or chair
   * replaces it.
   */
  bookInfusion(input: { batchId: string; siteId: string; infusionDate: string; ldStart: string; chair?: string; timeScale: number }): Promise<{ bookingId: string; chair: string }>;
  cancelInfusionBooking(input: { batchId: string }): Promise<void>;
  /** An alert for coordinators (COI mismatch, excursion, escalation, at-risk booking). */
  notify(input: { key: string; batchId: string; severity: AlertSeverity; kind: string; message: string }): Promise<void>;
  /**
   * Release and infusion-ready forecasts at a landmark (a decision that changed the stage or reached a
   * milestone while RECEIVED_AT_SITE is still ahead): the active model, or the empirical baseline;
   * judges the active infusion booking against P90 of infusion-ready. `state` is the decider's state
   * after the landmark's decision (pseudonymous: the COI id, no patient data, no telemetry); `at` is
   * the landmark's instant.
   */
  forecastTurnaround(input: { state: JourneyState; at: string }): Promise<Forecast>;
}
