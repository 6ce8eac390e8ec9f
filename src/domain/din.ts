/**
 * ISBT 128 Donation Identification Number (DIN): the identifier printed on the apheresis bag at
 * collection and scanned at every custody hand-off. 13 characters: a 5-character facility
 * identification number (kept simple here: one letter and four digits), a 2-digit year and a
 * 6-digit sequence number, e.g. `W1234 26 000123`. The eye-readable check character that follows
 * it on the label is ISO/IEC 7064 MOD 37-2 over those 13 characters.
 */

/** The MOD 37-2 alphabet: a character's position is its value (0–9, A–Z → 10–35, `*` → 36). */
const MOD37_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*';

/**
 * ISO/IEC 7064 MOD 37-2 (pure system, radix 2) check character over `data`, computed recursively
 * (Horner's rule) so no intermediate value grows past 37 · 2.
 *
 * Verified against two published examples: the UK Red Book (JPAC, Guidelines for the Blood
 * Transfusion Services, Annex 2 "ISBT 128 check character calculation") works donation number
 * G123498654321 through to checksum 17, eye-readable `H`; and ISO/IEC 7064's own MOD 37-2 example,
 * G123489654321 → `Y`, as used in the test suites of python-stdnum and other implementations.
 */
export function mod37CheckCharacter(data: string): string {
  let sum = 0;
  for (const char of data) {
    const value = MOD37_ALPHABET.indexOf(char);
    if (value < 0 || value === 36) {
      // `*` exists only as a check character; data characters are 0–9 and A–Z.
      throw new Error(`MOD 37-2 data may contain only 0–9 and A–Z, not "${char}".`);
    }
    sum = ((sum + value) * 2) % 37;
  }
  return MOD37_ALPHABET.charAt((38 - sum) % 37);
}

const DIN_LENGTH = 13;

/** The first rule a 13-character candidate breaks, as a sentence; undefined when it is well formed. */
function dinRuleBroken(din13: string): string | undefined {
  if (din13.length !== DIN_LENGTH) {
    return `A DIN has 13 characters (14 with its check character), not ${din13.length}.`;
  }
  if (!/^[A-Z][0-9]{4}$/.test(din13.slice(0, 5))) {
    return 'A DIN starts with its facility identification number: one letter followed by four digits.';
  }
  if (!/^[0-9]{2}$/.test(din13.slice(5, 7))) {
    return 'Characters 6–7 of a DIN are the two digits of the collection year.';
  }
  if (!/^[0-9]{6}$/.test(din13.slice(7))) {
    return 'Characters 8–13 of a DIN are the six digits of the sequence number.';
  }
  return undefined;
}

/** The check character of a well-formed 13-character DIN; throws with the rule broken otherwise. */
export function dinCheckCharacter(din13: string): string {
  const broken = dinRuleBroken(din13);
  if (broken !== undefined) throw new Error(broken);
  return mod37CheckCharacter(din13);
}

export type DinParseResult = { ok: true; din: string } | { ok: false; reason: string };

/**
 * Reads a DIN as a person types it or a scanner sends it: the 13 characters alone, or followed by
 * the check character, which must then match. Returns the normalised 13-character DIN.
 */
export function parseDin(input: string): DinParseResult {
  const text = input.trim().toUpperCase();
  const din = text.length === DIN_LENGTH + 1 ? text.slice(0, DIN_LENGTH) : text;
  const broken = dinRuleBroken(din);
  if (broken !== undefined) return { ok: false, reason: broken };
  if (text.length === DIN_LENGTH + 1) {
    const expected = mod37CheckCharacter(din);
    const given = text.charAt(DIN_LENGTH);
    if (given !== expected) {
      return { ok: false, reason: `The check character "${given}" does not match this DIN: it should be "${expected}".` };
    }
  }
  return { ok: true, din };
}
