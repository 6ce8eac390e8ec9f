import { mod37CheckCharacter } from './din.js';

/**
 * Chain-of-identity (COI) ids link a patient's cells to the product infused back into the same
 * patient. They are pseudonymous: made from random bytes only, never derived from patient data, so
 * a label or a scan reveals nothing about the person. Format `COI-XXXX-XXXX-XXXX-C`: twelve
 * Crockford base32 characters (no I, L, O or U, which people misread) and a MOD 37-2 check
 * character that catches any single mistyped character and any swap of two adjacent ones.
 */

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_CHARACTERS = 12;
/** Twelve 5-bit characters use the leading 60 bits, so 8 bytes is the least that fills them. */
const MIN_RANDOM_BYTES = 8;

export function generateCoiId(randomBytes: Uint8Array): string {
  if (randomBytes.length < MIN_RANDOM_BYTES) {
    throw new Error(`A COI id needs at least ${MIN_RANDOM_BYTES} random bytes, got ${randomBytes.length}.`);
  }
  let data = '';
  let bits = 0;
  let bitCount = 0;
  for (const byte of randomBytes) {
    bits = (bits << 8) | byte;
    bitCount += 8;
    while (bitCount >= 5 && data.length < DATA_CHARACTERS) {
      bitCount -= 5;
      data += CROCKFORD_BASE32.charAt((bits >> bitCount) & 0b11111);
    }
    // Only the bits not yet turned into characters are kept, so the accumulator stays small.
    bits &= (1 << bitCount) - 1;
    if (data.length === DATA_CHARACTERS) break;
  }
  return `COI-${data.slice(0, 4)}-${data.slice(4, 8)}-${data.slice(8, 12)}-${mod37CheckCharacter(data)}`;
}

const COI_FORMAT = /^COI-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-Z*])$/;

/** True when `s` is a COI id in canonical form whose check character matches. */
export function isCoiId(s: string): boolean {
  const match = COI_FORMAT.exec(s);
  if (match === null) return false;
  const [, a, b, c, check] = match;
  return mod37CheckCharacter(`${a}${b}${c}`) === check;
}
