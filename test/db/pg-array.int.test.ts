import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { plainArray, textArray } from '../../src/db/pg-array.js';
import { stackConfig } from '../setup/services.js';

const pool = new pg.Pool({ connectionString: stackConfig().DATABASE_URL!, max: 1 });
afterAll(() => pool.end());

// What PostgreSQL reads back is the test: the literals are built by hand, so only the server can say they parse as meant.
describe('array literals for unnest', () => {
  it('reads free text back as sent: quotes, backslashes, braces, commas, spaces, the word NULL, empty', async () => {
    const values = ['plain', 'with "quotes"', 'back\\slash', '{braces}', 'a,b', ' padded ', 'NULL', '', '{"lat":52.1,"lon":4.3}', null];
    const { rows } = await pool.query<{ a: (string | null)[] }>('select $1::text[] as a', [textArray(values)]);
    expect(rows[0]!.a).toEqual(values);
  });

  it('reads numbers, UUIDs and ISO times back, nulls included', async () => {
    const { rows } = await pool.query<{ n: (number | null)[]; u: (string | null)[]; t: (Date | null)[]; s: (string | null)[] }>(
      'select $1::float8[] as n, $2::uuid[] as u, $3::timestamptz[] as t, $4::int8[] as s',
      [
        plainArray([4.6, -0.0001, 1e-7, null]),
        plainArray(['3f1c2a9e-6b0d-4c1e-9a57-0d2f7b1e8c41', null]),
        plainArray(['2026-11-22T09:59:00.123Z', '2026-11-22T10:59:00+01:00', null]),
        plainArray([0, 9_007_199_254_740_991, null]),
      ],
    );
    expect(rows[0]!.n).toEqual([4.6, -0.0001, 1e-7, null]);
    expect(rows[0]!.u).toEqual(['3f1c2a9e-6b0d-4c1e-9a57-0d2f7b1e8c41', null]);
    expect(rows[0]!.t!.map((d) => d?.toISOString() ?? null)).toEqual(['2026-11-22T09:59:00.123Z', '2026-11-22T09:59:00.000Z', null]);
    expect(rows[0]!.s).toEqual(['0', '9007199254740991', null]);
  });

  it('makes an empty array of nothing', async () => {
    const { rows } = await pool.query<{ n: number }>('select cardinality($1::text[]) as n', [textArray([])]);
    expect(rows[0]!.n).toBe(0);
  });
});
