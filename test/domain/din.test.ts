import { describe, expect, it } from 'vitest';
import { dinCheckCharacter, mod37CheckCharacter, parseDin } from '../../src/domain/din.js';

describe('DIN check character (ISO/IEC 7064 MOD 37-2)', () => {
  it('matches the worked example of the UK Red Book, Annex 2 (G123498654321 → H)', () => {
    expect(dinCheckCharacter('G123498654321')).toBe('H');
  });

  it('matches the MOD 37-2 example of ISO/IEC 7064 (G123489654321 → Y)', () => {
    expect(mod37CheckCharacter('G123489654321')).toBe('Y');
  });

  it('computes the check character of further DINs, including the asterisk', () => {
    expect(dinCheckCharacter('A999914123458')).toBe('J');
    expect(dinCheckCharacter('W123426000123')).toBe('3');
    expect(dinCheckCharacter('A000000000000')).toBe('*');
  });

  it('refuses to compute a check character for a malformed DIN', () => {
    expect(() => dinCheckCharacter('W12342600012')).toThrow(/13 characters/);
  });
});

describe('parseDin', () => {
  it('accepts the 13 characters alone, trimmed and upper-cased', () => {
    expect(parseDin('  w123426000123 ')).toEqual({ ok: true, din: 'W123426000123' });
  });

  it('round-trips a DIN through its 14-character form with the check character', () => {
    const din = 'W123426000123';
    expect(parseDin(din + dinCheckCharacter(din))).toEqual({ ok: true, din });
    expect(parseDin('A000000000000*')).toEqual({ ok: true, din: 'A000000000000' });
  });

  it('rejects a wrong check character and names the expected one', () => {
    expect(parseDin('W1234260001234')).toEqual({
      ok: false,
      reason: 'The check character "4" does not match this DIN: it should be "3".',
    });
  });

  it.each([
    ['a wrong length', 'W12342600012', /13 characters .* not 12/],
    ['a longer string', 'W123426000123XY', /not 15/],
    ['an empty string', '   ', /not 0/],
    ['a facility number starting with a digit', '1123426000123', /facility identification number/],
    ['a facility number with a letter after the first character', 'W12A426000123', /facility identification number/],
    ['a year that is not two digits', 'W12342X000123', /collection year/],
    ['a sequence number that is not six digits', 'W1234260001Z3', /sequence number/],
  ])('rejects %s with the rule broken', (_case, input, reason) => {
    const result = parseDin(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
