import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sensorMessageSchema } from '../../src/ingest/contract.js';
import { decodeMessage } from '../../src/ingest/decode.js';
import { SCHEMA_FILE, sensorMessageJsonSchema } from '../../src/ingest/json-schema.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const limits = { maxBytes: 4096, maxFutureMs: 5 * 60_000, now: NOW };
const reading = {
  eventId: '3f1c2a9e-6b0d-4c1e-9a57-0d2f7b1e8c41',
  gatewayId: 'gw-1',
  deviceId: 'dev-1',
  metric: 'temperature_c',
  value: 4.6,
  unit: 'Cel',
  eventTime: '2026-11-22T09:59:00Z',
};
const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const decode = (v: unknown, key: string | null = 'dev-1') => decodeMessage(bytes(v), key === null ? null : Buffer.from(key), limits);

describe('decodeMessage', () => {
  it('accepts one reading and a gateway batch of one device', () => {
    expect(decode(reading)).toEqual({ ok: true, readings: [reading], eventMs: [Date.parse(reading.eventTime)] });
    const batch = { gatewayId: 'gw-1', readings: [reading, { ...reading, eventId: '3f1c2a9e-6b0d-4c1e-9a57-0d2f7b1e8c42', metric: 'lid_open', value: true }] };
    const decoded = decode(batch);
    expect(decoded.ok && decoded.readings.map((r) => r.metric)).toEqual(['temperature_c', 'lid_open']);
  });

  it.each([
    ['oversize', { ...reading, unit: 'x'.repeat(5000) }, /over the limit of 4096/],
    ['unparseable_json', '{"eventId": ', /JSON/],
    ['schema_violation', { ...reading, metric: 'humidity' }, /^metric: /],
    ['schema_violation', { ...reading, value: 'warm' }, /^value: .*number/],
    ['schema_violation', { ...reading, eventId: 'not-a-uuid' }, /^eventId: /],
    ['schema_violation', { gatewayId: 'gw-1', readings: [reading, { ...reading, deviceId: 'dev-2' }] }, /one device/],
    ['schema_violation', { gatewayId: 'gw-2', readings: [reading] }, /batch's gatewayId/],
    ['schema_violation', null, /no value|expected object/],
    ['impossible_timestamp', { ...reading, eventTime: '2026-11-22T10:06:00Z' }, /in the future/],
    ['impossible_timestamp', { ...reading, eventTime: '1970-01-01T00:00:00Z' }, /before 2000/],
  ])('names %s with the field and the rule', (reason, value, detail) => {
    const decoded = decode(value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.reason).toBe(reason);
      expect(decoded.detail).toMatch(detail);
    }
  });

  it('refuses a reading whose deviceId is not the message key', () => {
    const decoded = decode(reading, 'dev-9');
    expect(decoded).toMatchObject({ ok: false, reason: 'schema_violation', detail: expect.stringContaining('message key "dev-9"') });
    expect(decode(reading, null).ok).toBe(true);
  });

  it('dead-letters bytes that are not UTF-8 (so not JSON), rather than storing a unit with U+FFFD in it', () => {
    const [head, tail] = JSON.stringify(reading).split('"Cel"');
    const value = Buffer.concat([Buffer.from(`${head}"C`), Buffer.from([0xff, 0xfe]), Buffer.from(`"${tail}`)]);
    expect(decodeMessage(value, Buffer.from('dev-1'), limits)).toMatchObject({ ok: false, reason: 'unparseable_json', detail: expect.stringMatching(/UTF-8/) });
  });

  it.each(['+16:00', '-16:30', '+23:59'])('refuses an eventTime whose offset (%s) PostgreSQL cannot store, naming the field', (offset) => {
    const decoded = decode({ ...reading, eventTime: `2026-11-22T09:59:00${offset}` });
    expect(decoded).toMatchObject({ ok: false, reason: 'schema_violation', detail: expect.stringMatching(/^eventTime: .*15:59/) });
  });

  it.each([['+14:00', '2026-11-22T23:59:00'], ['-12:00', '2026-11-21T21:59:00'], ['+15:59', '2026-11-23T01:58:00'], ['+05:30', '2026-11-22T15:29:00']])(
    'accepts an eventTime in a real zone (%s)',
    (offset, local) => {
      expect(decode({ ...reading, eventTime: `${local}${offset}` })).toMatchObject({ ok: true });
    },
  );

  it('refuses an empty message', () => {
    expect(decodeMessage(null, null, limits)).toMatchObject({ ok: false, reason: 'schema_violation' });
  });
});

describe('the published contract', () => {
  it('docs/schemas holds the JSON Schema generated from the zod contract (run npm run docs:schemas)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(sensorMessageJsonSchema());
  });

  it('every example in docs/schemas/examples is a valid message', () => {
    const dir = path.join(path.dirname(SCHEMA_FILE), 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const parsed = sensorMessageSchema.safeParse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      expect(parsed.error?.issues ?? [], file).toEqual([]);
    }
  });
});
