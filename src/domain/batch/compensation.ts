import type { JourneyState } from './types.js';

/** What cancelling the batch now gives back: its manufacturing line, its infusion chair, its legs on the road. */
export function compensation(s: JourneyState) {
  return {
    releaseSlot: s.slot.state !== 'none',
    cancelBooking: s.booking !== undefined,
    cancelShipments: s.shipments.filter((x) => x.state === 'in_transit').map((x) => x.shipmentId),
  };
}
