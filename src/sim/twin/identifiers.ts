import { generateCoiId } from '../../domain/coi.js';
import type { Random } from '../../domain/random.js';

/** A version-4-shaped uuid from the twin's own stream, so the same seed names batches the same way. */
export function simulatedUuid(rng: Random): string {
  const b = rng.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const simulatedCoiId = (rng: Random): string => generateCoiId(rng.bytes(8));

/**
 * An ISBT 128 DIN for a collection: the apheresis centre's facility identification number (one
 * letter, four digits, from its place in the scenario), the two digits of the year, and the
 * centre's running sequence number. Each attempt's bag has its own.
 */
export function simulatedDin(centreIndex: number, at: number, sequence: number): string {
  const fin = `W${String(1001 + centreIndex).padStart(4, '0')}`;
  const year = String(new Date(at).getUTCFullYear() % 100).padStart(2, '0');
  return `${fin}${year}${String(sequence % 1_000_000).padStart(6, '0')}`;
}
