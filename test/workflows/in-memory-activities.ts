import { ApplicationFailure } from '@temporalio/activity';
import type { BatchActivities, CustodyRecordInput, StageChangeInput } from '../../activities/types.js';
import { ERR } from '../../src/domain/errors.js';

/**
 * A test double of the batch activities: the same contract, state kept in memory, so the
 * workflow's logic is tested without a database. Keys make it idempotent like the real ones.
 */
export function inMemoryActivities() {
  const custody = new Map<string, CustodyRecordInput & { seq: number }>();
  const stageChanges = new Map<string, StageChangeInput>();
  const slots = new Map<string, { state: 'reserved' | 'released' }>();
  const shipments = new Map<string, { batchId: string; leg: string; state: 'in_transit' | 'delivered' | 'cancelled' }>();
  const bookings = new Map<string, { state: 'active' | 'cancelled'; infusionDate: string; chair: string }>();
  const alerts = new Map<string, { batchId: string; kind: string; severity: string; message: string }>();
  let takenChairs = new Set<string>();
  const fullFacilityFor = new Map<string, number>();

  const activities: BatchActivities = {
    async appendCustodyRecord(input) {
      const existing = custody.get(input.key);
      if (existing) return { seq: existing.seq, hash: input.key };
      const seq = [...custody.values()].filter((r) => r.batchId === input.batchId).length + 1;
      custody.set(input.key, { ...input, seq });
      return { seq, hash: input.key };
    },
    async recordStageChange(input) {
      stageChanges.set(input.eventId, input);
    },
    async reserveManufacturingSlot({ batchId }) {
      const refusals = fullFacilityFor.get(batchId) ?? 0;
      if (refusals > 0) {
        fullFacilityFor.set(batchId, refusals - 1);
        throw ApplicationFailure.create({ type: ERR.SLOT_TAKEN, nonRetryable: true, message: 'every line is taken' });
      }
      slots.set(batchId, { state: 'reserved' });
      return { slotId: `slot-${batchId}`, line: 'line-1' };
    },
    async releaseManufacturingSlot({ batchId }) {
      const slot = slots.get(batchId);
      if (slot) slot.state = 'released';
    },
    async createShipment({ shipmentId, batchId, leg }) {
      if (!shipments.has(shipmentId)) shipments.set(shipmentId, { batchId, leg, state: 'in_transit' });
    },
    async completeShipment({ shipmentId, state }) {
      shipments.get(shipmentId)!.state = state;
    },
    async cancelOpenShipments({ batchId }) {
      for (const s of shipments.values()) if (s.batchId === batchId && s.state === 'in_transit') s.state = 'cancelled';
    },
    async bookInfusion({ batchId, infusionDate, chair }) {
      const wanted = chair ?? 'chair-1';
      if (takenChairs.has(`${wanted}@${infusionDate}`)) {
        throw ApplicationFailure.create({ type: ERR.SLOT_TAKEN, nonRetryable: true, message: `${wanted} is taken on ${infusionDate}` });
      }
      bookings.set(batchId, { state: 'active', infusionDate, chair: wanted });
      return { bookingId: `booking-${batchId}`, chair: wanted };
    },
    async cancelInfusionBooking({ batchId }) {
      const booking = bookings.get(batchId);
      if (booking) booking.state = 'cancelled';
    },
    async notify({ key, batchId, kind, severity, message }) {
      alerts.set(key, { batchId, kind, severity, message });
    },
    async forecastTurnaround({ stage, stageEnteredAt }) {
      const at = Date.parse(stageEnteredAt);
      const iso = (days: number) => new Date(at + days * 86_400_000).toISOString();
      return { method: 'test-double', stage, readyP10: iso(10), readyP50: iso(12), readyP90: iso(15) };
    },
  };

  return {
    activities,
    custody,
    stageChanges,
    slots,
    shipments,
    bookings,
    alerts,
    /** The facility refuses this batch's slot `times` times before a line frees up. */
    fillFacility: (batchId: string, times: number) => fullFacilityFor.set(batchId, times),
    takeChair: (chair: string, infusionDate: string) => (takenChairs = new Set([...takenChairs, `${chair}@${infusionDate}`])),
    /** What a cancelled batch must not leave behind. */
    leftovers(batchId: string) {
      return {
        reservedSlots: slots.get(batchId)?.state === 'reserved' ? 1 : 0,
        activeBookings: bookings.get(batchId)?.state === 'active' ? 1 : 0,
        openShipments: [...shipments.values()].filter((s) => s.batchId === batchId && s.state === 'in_transit').length,
      };
    },
  };
}
