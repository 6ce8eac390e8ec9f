import { log } from '@temporalio/workflow';
import { batchClock, custodyRecordOf, facilityOf, stillAhead, type JourneyCommand, type JourneyEvent } from '../src/domain/batch/index.js';
import { ERR } from '../src/domain/errors.js';
import { activities, raisedFailure } from './activities-proxy.js';
import type { BatchRun } from './batch-run.js';
import { nowIso } from './clock.js';
import { assignEquipment } from './equipment-link.js';
import { cancelLegs, finishLeg, startLeg } from './legs.js';
import type { AlertSeverity } from '../src/domain/alerts.js';

interface Effect {
  /** The event as it happened (a booking learns its chair from the treatment centre). */
  applied: JourneyEvent;
  /** What the world answered, for the decider to decide next. */
  followUp?: JourneyCommand;
}

/**
 * The side effects an event implies: custody records, stage history and outbound events, the
 * manufacturing line, shipment legs, bookings, alerts. Activities are idempotent by key or by
 * batch, so a retry writes nothing twice.
 */
export async function runEffect(run: BatchRun, e: JourneyEvent): Promise<Effect> {
  const { batchId } = run.input;
  // A booking's record names the chair, which only the treatment centre's answer tells.
  const { applied, followUp } = await act(run, e);
  const record = custodyRecordOf(applied, run.state);
  if (record) await activities.appendCustodyRecord({ ...record, key: record.key ?? run.custodyKey(), batchId });
  return { applied, followUp };
}

/**
 * A decision that changed the stage or reached a milestone is a landmark while the product has still
 * to reach the treatment centre (the definition the models are trained on, `landmarkRows`): the
 * forecast is made from the state after all of the decision's events, at their shared instant.
 */
export async function forecastAtLandmark(run: BatchRun, events: readonly JourneyEvent[]): Promise<void> {
  const landmark = events.find((e) => e.type === 'stage-changed' || e.type === 'milestone-reached');
  if (!landmark || !stillAhead(run.state, 'RECEIVED_AT_SITE')) return;
  run.forecast = await activities.forecastTurnaround({ state: run.state, at: landmark.at });
}

async function act(run: BatchRun, e: JourneyEvent): Promise<Effect> {
  const { batchId, coiId, productId, timeScale, treatmentCenterId } = run.input;
  const facilityId = facilityOf(run.state);
  const alert = (severity: AlertSeverity, kind: string, message: string) =>
    activities.notify({ key: run.alertKey(), batchId, severity, kind, message });

  switch (e.type) {
    case 'stage-changed': {
      await activities.recordStageChange({ eventId: run.stageEventId(), batchId, coiId, productId, stage: e.to, previous: e.from, at: e.at });
      break;
    }
    case 'scan-refused':
      // The location is a stored text only the custody trail shows (a caller's free text may name a patient).
      await alert('critical', 'coi-mismatch', `${e.scan.step} scan refused (${e.code})`);
      break;
    case 'milestone-reached': {
      const { equipmentId } = run.state.manufacturing;
      const started = e.milestone.data?.equipmentId;
      if (e.milestone.milestone === 'manufacturing-started' && typeof started === 'string') await assignEquipment(run, started, true);
      if (e.milestone.milestone === 'cryopreservation-complete' && equipmentId) await assignEquipment(run, equipmentId, false);
      break;
    }
    case 'leg-started':
      await startLeg(run, e, batchClock(run.input).hours(run.input.profile.legs[e.leg].stabilityHours));
      break;
    case 'leg-delivered':
      await finishLeg(run, e.shipmentId);
      break;
    case 'legs-cancelled':
      await Promise.all([activities.cancelOpenShipments({ batchId, at: e.at }), cancelLegs(run, e.shipmentIds)]);
      break;
    case 'slot-requested':
      return { applied: e, followUp: { type: 'slot-answer', granted: await reserveLine(batchId, facilityId, e), at: nowIso() } };
    case 'slot-refused':
      if (e.first) await alert('warning', 'capacity', `no manufacturing line free at ${facilityId}; retrying hourly`);
      break;
    case 'line-confirm-requested': {
      const { confirmed } = await activities.confirmChainLine({ batchId, from: e.from, to: e.to });
      return { applied: e, followUp: { type: 'slot-answer', granted: confirmed, at: nowIso() } };
    }
    case 'chain-line-lost':
      await alert('warning', 'capacity', `the line held ahead at ${facilityId} could not be confirmed; asking for a free line`);
      break;
    case 'chain-replan-requested': {
      const { chain } = await activities.replanChain({ batchId, earliestDay: e.earliestDay, reason: e.reason });
      return { applied: e, followUp: { type: 'chain-answer', ...(chain ? { chain } : {}), at: nowIso() } };
    }
    case 'chain-waitlisted':
      await alert('warning', 'waitlist', `no slot chain fits the horizon for batch ${batchId}: it waits for capacity`);
      break;
    case 'chain-released':
      await activities.releaseChain({ batchId, reason: e.reason });
      break;
    case 'slot-released':
      await activities.releaseManufacturingSlot({ batchId });
      break;
    case 'issue-opened':
      if (e.issue.kind === 'excursion') await alert('warning', 'excursion', `excursion ${e.issue.id} on ${e.deviceId}`);
      if (e.issue.kind === 'deviation' && e.refusedCommand) await alert('critical', 'command-not-applied', e.issue.reason);
      if (e.cause === 'infusion-window-closed') await alert('critical', 'infusion-window-closed', `batch ${batchId}: no infusion can be booked within the product's shelf life; held for QA`);
      if (e.issue.kind === 'deviation' && e.shipmentId) {
        const leg = run.state.shipments.find((x) => x.shipmentId === e.shipmentId)?.leg;
        await alert('critical', 'stability-window', `${leg} leg ${e.shipmentId} is over its stability window`);
      }
      break;
    case 'escalated': {
      const what = e.awaiting?.kind ?? 'step';
      await alert('critical', 'escalation', `${what} is overdue for batch ${batchId} (escalation ${e.level})`);
      break;
    }
    case 'infusion-booked': {
      const { infusionDate, ldStart, chair } = e.booking;
      const booked = await activities.bookInfusion({ batchId, siteId: treatmentCenterId, infusionDate, ldStart, chair, timeScale }).catch(failWithCause);
      return { applied: { ...e, booking: { ...e.booking, chair: booked.chair } } };
    }
    case 'infusion-booking-cancelled':
      await activities.cancelInfusionBooking({ batchId });
      break;
    case 'equipment-risk-noted':
      if (e.risk.crossed === 'above') await alert('warning', 'equipment-risk', `equipment ${e.risk.equipmentId} risk ${e.risk.risk.toFixed(2)} is above ${e.risk.threshold}`);
      break;
    case 'handoff-verified':
    case 'qa-disposed':
    case 'issue-assessed':
    case 'cancellation-requested':
    case 'milestone-reported':
    case 'slot-reserved':
    case 'issue-closed':
    case 'batch-failed':
    case 'recollection-started':
    // The chain was booked by the re-plan or the allocator before the batch was told of it.
    case 'chain-replanned':
    case 'chain-allocated':
    case 'chain-moved':
      break;
    default:
      log.error('unknown journey event', { event: (e satisfies never) as unknown });
  }
  return { applied: e };
}

/** A full facility answers ERR_SLOT_TAKEN: the decider then waits and asks again. */
async function reserveLine(batchId: string, facilityId: string, e: Extract<JourneyEvent, { type: 'slot-requested' }>): Promise<boolean> {
  try {
    await activities.reserveManufacturingSlot({ batchId, facilityId, from: e.from, to: e.to });
    return true;
  } catch (err) {
    if (raisedFailure(err)?.type === ERR.SLOT_TAKEN) return false;
    throw err;
  }
}

/** A refusal raised by an activity (a taken chair) reaches the caller with its own type and message. */
function failWithCause(err: unknown): never {
  throw raisedFailure(err) ?? err;
}
