import { nameUuid } from '../../domain/name-uuid.js';

/**
 * The ids a simulated history is written under. They follow from the seed and the twin's own ids
 * only, so writing the same seed again gives the same rows, and two seeds never share a key:
 * - uuid columns (batches, slots, bookings): a SHA-256 of seed and name, shaped as an RFC 9562
 *   version 8 ("custom") uuid;
 * - text ids (sites, equipment, shipments): the twin's id behind `sim-<seed>-`, so a simulated
 *   network is recognisable on sight and never takes a real site's chairs or lines.
 */
export interface SimulatedIds {
  seed: number;
  batch(twinBatchId: string): string;
  /** Slots and bookings: one per (batch, n). */
  row(kind: 'slot' | 'booking', twinBatchId: string, n: number): string;
  site(twinSiteId: string): string;
  equipment(twinEquipmentId: string): string;
  shipment(twinShipmentId: string): string;
}

export function simulatedIds(seed: number): SimulatedIds {
  const prefix = `sim-${seed}-`;
  const text = (id: string) => (id.startsWith(prefix) ? id : `${prefix}${id}`);
  return {
    seed,
    batch: (id) => nameUuid(`v2v-sim:${seed}:batch:${id}`),
    row: (kind, id, n) => nameUuid(`v2v-sim:${seed}:${kind}:${id}:${n}`),
    site: text,
    equipment: text,
    shipment: text,
  };
}

