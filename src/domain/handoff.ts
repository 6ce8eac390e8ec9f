import { parseDin } from './din.js';
import { ERR } from './errors.js';

export type ScanCheck =
  | { ok: true; din: string }
  | {
      ok: false;
      code: typeof ERR.COI_MISMATCH | typeof ERR.DIN_MISMATCH | typeof ERR.INVALID_DIN;
      message: string;
    };

/**
 * Checks a custody scan against the batch. Until collection the batch has no DIN: the collection
 * scan assigns it, so it only has to be a valid DIN. The messages never echo the batch's own
 * identifiers, so a scanner at the bedside cannot learn the right ones from a refusal.
 */
export function verifyScan(expected: { coiId: string; din?: string }, scan: { coiId: string; din: string }): ScanCheck {
  if (scan.coiId.trim() !== expected.coiId.trim()) {
    return {
      ok: false,
      code: ERR.COI_MISMATCH,
      message: 'The scanned COI id does not match this batch: do not proceed; a deviation has been recorded.',
    };
  }
  const parsed = parseDin(scan.din);
  if (!parsed.ok) {
    return { ok: false, code: ERR.INVALID_DIN, message: `The scanned DIN is not valid: ${parsed.reason} Scan it again.` };
  }
  if (expected.din !== undefined && parsed.din !== expected.din.trim().toUpperCase()) {
    return {
      ok: false,
      code: ERR.DIN_MISMATCH,
      message: 'The scanned DIN does not match this batch: do not proceed; a deviation has been recorded.',
    };
  }
  return { ok: true, din: parsed.din };
}
