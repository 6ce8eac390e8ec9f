import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { assessmentSchema, bookingSchema, cancelSchema, enrolSchema, handoffSchema, milestoneSchema, qaDispositionSchema } from '../../src/domain/commands.js';
import { textFault } from '../../src/domain/text.js';
import { decodeMessage } from '../../src/ingest/decode.js';
import { prng } from './prng.js';

/**
 * Seeded fuzz of every free-text field of every command and every reading field: random Unicode
 * with controls, NUL, lone surrogates, emoji, right-to-left text and huge values. Whatever the
 * schema accepts must be storable as is (PostgreSQL, Kafka, Temporal would take it); whatever it
 * refuses is refused naming the field. CASES per field; replay a failure from its seed.
 */
const CASES = 150;
const SEED = 17;

const PIECES = ['\u0000', '\uD800', '\uDFFF', '\uD83D\uDE00', '\u202E', 'שלום', 'مرحبا', '\u0007', '\u001B[31m', '\t', '\n', '\r', '\u0085', '\uFEFF', 'é', '漢字', ' ', 'a', 'Z', '9', '-', '"', '\\', "'", '%s', '${x}'];
function hostile(rand: () => number): string {
  const r = rand();
  if (r < 0.05) return 'x'.repeat(1 + Math.floor(rand() * 100_000));
  let s = '';
  const n = Math.floor(rand() * (rand() < 0.2 ? 3000 : 40));
  for (let i = 0; i < n; i++) s += rand() < 0.5 ? PIECES[Math.floor(rand() * PIECES.length)] : String.fromCharCode(Math.floor(rand() * 0x10000));
  return s;
}

const base = {
  handoff: { step: 'collection', coiId: 'COI-1', din: 'W123426000123', actor: { name: 'A', role: 'nurse' }, location: 'Bay 2' },
  milestone: { milestone: 'qc-complete', at: '2026-02-01T10:00:00Z', source: 'lims', data: { passed: true } },
  qa: { decision: 'reject', signer: { name: 'Q', role: 'qa' }, meaning: 'rejected', reason: 'out of spec' },
  assessment: { impact: 'none', signer: { name: 'Q', role: 'qa' }, meaning: 'no impact' },
  cancel: { reason: 'withdrawn', actor: { name: 'D', role: 'physician' } },
  enrol: { productId: 'p', treatmentCenterId: 't', apheresisCenterId: 'a', patientRef: 'PT-1' },
  booking: { infusionDate: '2026-03-01', chair: 'chair-1' },
};
const FIELDS: [string, z.ZodType, object, (string | number)[], number][] = [
  ['handoff', handoffSchema, base.handoff, ['coiId'], 64],
  ['handoff', handoffSchema, base.handoff, ['din'], 64],
  ['handoff', handoffSchema, base.handoff, ['location'], 200],
  ['handoff', handoffSchema, base.handoff, ['actor', 'name'], 200],
  ['handoff', handoffSchema, base.handoff, ['actor', 'role'], 100],
  ['milestone', milestoneSchema, base.milestone, ['source'], 200],
  ['milestone', milestoneSchema, base.milestone, ['data', 'note'], 4096],
  ['qa-disposition', qaDispositionSchema, base.qa, ['meaning'], 500],
  ['qa-disposition', qaDispositionSchema, base.qa, ['reason'], 2000],
  ['qa-disposition', qaDispositionSchema, base.qa, ['signer', 'name'], 200],
  ['assessment', assessmentSchema, base.assessment, ['meaning'], 500],
  ['cancel', cancelSchema, base.cancel, ['reason'], 2000],
  ['enrol', enrolSchema, base.enrol, ['patientRef'], 64],
  ['enrol', enrolSchema, base.enrol, ['productId'], 64],
  ['booking', bookingSchema, base.booking, ['chair'], 64],
];

const withValue = (obj: object, path: (string | number)[], value: unknown): object => {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return copy;
};
const valueAt = (obj: unknown, path: (string | number)[]) => path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);

describe('free text from outside, fuzzed', () => {
  it.each(FIELDS)('%s %j: accepted text is storable, refused text names the field', (_name, schema, body, path, max) => {
    const rand = prng(SEED + path.join('.').length * 31 + max);
    for (let i = 0; i < CASES; i++) {
      const text = hostile(rand);
      const parsed = schema.safeParse(withValue(body, path, text));
      if (parsed.success) {
        const stored = valueAt(parsed.data, path) as string;
        expect(textFault(stored, true), JSON.stringify(stored.slice(0, 40))).toBeUndefined();
        expect(stored.length).toBeLessThanOrEqual(max);
      } else {
        const named = parsed.error.issues.some((issue) => path.every((k, j) => issue.path[j] === k) || (path[0] === 'data' && issue.path[0] === 'data'));
        expect(named, JSON.stringify(parsed.error.issues.map((x) => x.path))).toBe(true);
      }
    }
  });

  const reading = { eventId: '3f0b0f5e-2b7a-4c55-9d2e-3c1f3a5b7e11', gatewayId: 'gw-1', deviceId: 'dev-1', metric: 'temperature_c', value: 4.2, unit: 'C', eventTime: '2026-02-01T10:00:00Z' };
  it.each(['unit', 'gatewayId', 'deviceId', 'metric', 'eventId', 'eventTime'])('a reading whose %s is hostile is stored only when storable, or dead-lettered naming the field', (field) => {
    const rand = prng(SEED * 7 + field.length);
    const limits = { maxBytes: 1_000_000, maxFutureMs: 60_000, now: Date.parse('2026-02-02T00:00:00Z') };
    for (let i = 0; i < CASES; i++) {
      const text = hostile(rand);
      const decoded = decodeMessage(Buffer.from(JSON.stringify({ ...reading, [field]: text })), null, limits);
      if (decoded.ok) {
        expect(textFault(String((decoded.readings[0] as Record<string, unknown>)[field]))).toBeUndefined();
      } else {
        expect(['schema_violation', 'oversize']).toContain(decoded.reason);
        if (decoded.reason === 'schema_violation') expect(decoded.detail).toMatch(new RegExp(`^${field}|metric|message`));
      }
    }
  });
});
