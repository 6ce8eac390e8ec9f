import type { JourneyState } from './types.js';

/** What cancelling the batch now gives back: its manufacturing line, its slot chain (or waitlist place), its infusion chair, its legs on the road. */
export function compensation(s: JourneyState) {
  return {
    releaseSlot: s.slot.state !== 'none',
    releaseChain: s.chain !== undefined && s.chain.status !== 'released',
    cancelBooking: s.booking !== undefined,
    cancelShipments: s.shipments.filter((x) => x.state === 'in_transit').map((x) => x.shipmentId),
  };
}
