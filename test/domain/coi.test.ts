import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateCoiId, isCoiId } from '../../src/domain/coi.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const bytes = (...values: number[]) => new Uint8Array(values);
const dataOf = (id: string) => id.slice(4, 18).replaceAll('-', '');
const withData = (id: string, data: string) => `COI-${data.slice(0, 4)}-${data.slice(4, 8)}-${data.slice(8, 12)}-${id.slice(-1)}`;

describe('COI ids', () => {
  const id = generateCoiId(bytes(0x9f, 0x31, 0xc4, 0x07, 0xe2, 0x5a, 0x88, 0x1d));

  it('has the format COI-XXXX-XXXX-XXXX-C in Crockford base32 and verifies', () => {
    expect(id).toMatch(/^COI-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-Z*]$/);
    expect(isCoiId(id)).toBe(true);
  });

  it('encodes the leading 60 bits of the random bytes, most significant first', () => {
    expect(generateCoiId(new Uint8Array(8))).toBe('COI-0000-0000-0000-1');
    expect(generateCoiId(new Uint8Array(8).fill(0xff)).slice(0, 18)).toBe('COI-ZZZZ-ZZZZ-ZZZZ');
    // 0x08 0x40 = 00001 00001 000000: two characters of value 1.
    expect(generateCoiId(bytes(0x08, 0x40, 0, 0, 0, 0, 0, 0)).slice(0, 8)).toBe('COI-1100');
  });

  it('needs at least 8 random bytes', () => {
    expect(() => generateCoiId(new Uint8Array(7))).toThrow(/at least 8 random bytes, got 7/);
    expect(isCoiId(generateCoiId(new Uint8Array(32).fill(7)))).toBe(true);
  });

  it('gives different ids for different bytes', () => {
    expect(generateCoiId(bytes(0x9e, 0x31, 0xc4, 0x07, 0xe2, 0x5a, 0x88, 0x1d))).not.toBe(id);
    const ids = new Set(Array.from({ length: 10_000 }, () => generateCoiId(randomBytes(8))));
    expect(ids.size).toBe(10_000);
  });

  it('detects every single changed character', () => {
    const data = dataOf(id);
    for (let i = 0; i < data.length; i++) {
      for (const char of CROCKFORD) {
        if (char === data[i]) continue;
        const changed = data.slice(0, i) + char + data.slice(i + 1);
        expect(isCoiId(withData(id, changed)), `${changed}`).toBe(false);
      }
    }
    expect(isCoiId(id.slice(0, -1) + (id.endsWith('0') ? '1' : '0'))).toBe(false);
  });

  it('detects every swap of two adjacent different characters', () => {
    const data = dataOf(id);
    for (let i = 0; i + 1 < data.length; i++) {
      if (data[i] === data[i + 1]) continue;
      const swapped = data.slice(0, i) + data[i + 1] + data[i] + data.slice(i + 2);
      expect(isCoiId(withData(id, swapped)), swapped).toBe(false);
    }
  });

  it('rejects anything not in canonical form', () => {
    expect(isCoiId(id.toLowerCase())).toBe(false);
    expect(isCoiId(` ${id}`)).toBe(false);
    expect(isCoiId(id.replace('COI-', 'COI'))).toBe(false);
    expect(isCoiId('COI-IL0U-0000-0000-1')).toBe(false);
    expect(isCoiId('')).toBe(false);
  });
});
