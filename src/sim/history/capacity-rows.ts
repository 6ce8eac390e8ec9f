import { batchClock } from '../../domain/batch/index.js';
import type { infusionBookings, manufacturingSlots } from '../../db/schema/index.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import type { SimulatedIds } from './simulated-ids.js';

export type SlotRow = typeof manufacturingSlots.$inferInsert & { line: string };
export type BookingRow = typeof infusionBookings.$inferInsert & { chair: string };

/** A batch's lines and chairs, before a line or chair is given to them (`assignLinesAndChairs`). */
export interface CapacityRows {
  slots: SlotRow[];
  bookings: BookingRow[];
  /** The booking each `infusion-booked` event made or kept, by event index: its chair goes into the custody record. */
  bookingOfEvent: Map<number, BookingRow>;
}

const range = (from: string | number, to: string | number) => `[${new Date(from).toISOString()},${new Date(to).toISOString()})`;

/**
 * The manufacturing slots and infusion bookings a batch's events imply, as the activities write
 * them: a slot reserved for the requested length and released with the line; a chair held for one
 * day of the batch's clock, replaced when the booking moves and cancelled with it. Idempotent by
 * batch like the activities: the same booking asked again keeps its row.
 */
export function capacityRows(sim: BatchJourneyRecord, ids: SimulatedIds): CapacityRows {
  const { input } = sim;
  const batchId = ids.batch(input.batchId);
  const out: CapacityRows = { slots: [], bookings: [], bookingOfEvent: new Map() };
  let requested: { from: string; to: string } | undefined;
  let slot: SlotRow | undefined;
  let booking: BookingRow | undefined;
  sim.events.forEach((e, i) => {
    switch (e.type) {
      case 'slot-requested':
        requested = { from: e.from, to: e.to };
        break;
      case 'slot-reserved': {
        if (!requested || slot) break;
        // The workflow asks again hourly until a line is free and reserves from then; the twin
        // answers once, when a line frees: the same slot, from the grant.
        const from = Date.parse(e.at);
        slot = {
          id: ids.row('slot', input.batchId, out.slots.length + 1), facilityId: ids.site(input.facilityId), line: '', batchId,
          during: range(from, from + Date.parse(requested.to) - Date.parse(requested.from)), state: 'reserved', createdAt: new Date(e.at),
        };
        out.slots.push(slot);
        break;
      }
      case 'slot-released':
        if (slot) slot.state = 'released';
        slot = undefined;
        break;
      case 'infusion-booked': {
        const start = Date.parse(e.booking.infusionDate);
        const during = range(start, start + batchClock(input).dayMs);
        // The chair is the treatment centre's to give (assignLinesAndChairs): a chair the twin asked for is not kept.
        const same = booking?.during === during;
        if (!same) {
          if (booking) booking.state = 'cancelled';
          booking = {
            id: ids.row('booking', input.batchId, out.bookings.length + 1), batchId, siteId: ids.site(input.treatmentCenterId),
            chair: '', during, state: 'active', ldStart: new Date(e.booking.ldStart), createdAt: new Date(e.at),
          };
          out.bookings.push(booking);
        }
        out.bookingOfEvent.set(i, booking!);
        break;
      }
      case 'infusion-booking-cancelled':
        if (booking) booking.state = 'cancelled';
        booking = undefined;
        break;
    }
  });
  return out;
}
