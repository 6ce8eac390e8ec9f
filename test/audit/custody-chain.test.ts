import { describe, expect, it } from 'vitest';
import { canonicalJson, custodyHash, findChainBreak, type CustodyHashVersion, type StoredCustodyRecord } from '../../src/domain/custody-chain.js';

const batchId = '6f1c2a34-0000-4000-8000-000000000001';

function chain(n: number, version: (seq: number) => CustodyHashVersion = () => 2): StoredCustodyRecord[] {
  const records: StoredCustodyRecord[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      batchId,
      seq,
      kind: 'handoff',
      step: 'collection',
      actorName: 'A. Nurse',
      actorRole: 'apheresis nurse',
      location: 'Bay 2',
      meaning: 'received',
      data: { din: 'W123426000123', bags: [1, 2] },
      occurredAt: new Date(Date.UTC(2026, 0, seq)).toISOString(),
      recordedAt: new Date(Date.UTC(2026, 0, seq, 0, 0, 1)).toISOString(),
      hashVersion: version(seq),
      prevHash: records.at(-1)?.hash ?? null,
    };
    records.push({ ...content, id: 100 + seq, hash: custodyHash(content) });
  }
  return records;
}

describe('the custody hash chain', () => {
  it('gives the same bytes whatever the key order, as jsonb reorders keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: undefined, b: 'é' })).toBe('{"b":"é"}');
  });

  it('accepts an intact chain', () => {
    expect(findChainBreak(chain(4))).toBeNull();
  });

  it('verifies records written before recorded_at was evidence, and a chain that moves on to version 2', () => {
    expect(findChainBreak(chain(4, (seq) => (seq <= 2 ? 1 : 2)))).toBeNull();
  });

  it('names a record whose recorded_at was altered (version 2)', () => {
    const records = chain(3);
    records[1] = { ...records[1]!, recordedAt: '2025-01-01T00:00:00.000Z' };
    expect(findChainBreak(records)).toMatchObject({ seq: 2, problem: expect.stringContaining('hash does not match its content') });
  });

  it('names a record marked with an older hash version than the one before it', () => {
    const records = chain(3);
    const downgraded = { ...records[2]!, hashVersion: 1 as const };
    records[2] = { ...downgraded, hash: custodyHash(downgraded) };
    expect(findChainBreak(records)).toMatchObject({ seq: 3, problem: expect.stringContaining('hash version 1 after version 2') });
  });

  it('names a record whose content was altered', () => {
    const records = chain(4);
    records[2] = { ...records[2]!, actorName: 'Someone else' };
    expect(findChainBreak(records)).toEqual({ batchId, seq: 3, recordId: 103, problem: expect.stringContaining('hash does not match its content') });
  });

  it('names the record after one that was rewritten with a fresh hash', () => {
    const records = chain(4);
    const forged = { ...records[1]!, location: 'Elsewhere' };
    records[1] = { ...forged, hash: custodyHash(forged) };
    expect(findChainBreak(records)).toMatchObject({ seq: 3, problem: expect.stringContaining('prev_hash does not match the hash of seq 2') });
  });

  it('names the gap where a record was removed', () => {
    const records = chain(4);
    records.splice(1, 1);
    expect(findChainBreak(records)).toMatchObject({ seq: 3, recordId: 103, problem: expect.stringContaining('2 was expected') });
  });
});
