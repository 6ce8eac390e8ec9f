import { describe, expect, it } from 'vitest';
import { allApplied, heardThroughWatermark, type PartitionEnds } from '../../src/ingest/heard-through.js';

const ends = (...highs: (string | [high: string, low: string])[]): PartitionEnds[] =>
  highs.map((h, partition) => (typeof h === 'string' ? { partition, low: '0', high: h } : { partition, low: h[1], high: h[0] }));
const applied = (...offsets: (string | undefined)[]) => new Map(offsets.flatMap((o, p) => (o === undefined ? [] : [[p, o] as const])));

describe('allApplied: whether ingest has applied everything the broker held', () => {
  it('holds when every partition is applied to its end, or is empty', () => {
    expect(allApplied(ends('40', '0', ['7', '7']), applied('40'))).toBe(true);
  });

  it('fails while any partition has messages not yet applied', () => {
    expect(allApplied(ends('40', '41'), applied('40', '40'))).toBe(false);
    // Messages on a partition ingest has never applied anything from.
    expect(allApplied(ends('3'), applied())).toBe(false);
  });

  it('does not wait for messages the broker no longer holds', () => {
    // Retention removed offsets 0..9 before they were applied: nothing can bring them back.
    expect(allApplied(ends(['10', '10'], ['10', '10']), applied('4'))).toBe(true);
    expect(allApplied(ends(['12', '10']), applied('4'))).toBe(false);
  });

  it('compares offsets as numbers, not text', () => {
    expect(allApplied(ends('100'), applied('99'))).toBe(false);
    expect(allApplied(ends('9'), applied('10'))).toBe(true);
  });
});

describe('heardThroughWatermark: the instant up to which everything published has been applied', () => {
  it('stays unset until ingest has once caught up with what the broker held', () => {
    const w = heardThroughWatermark();
    w.seen(1_000, ends('10'));
    expect(w.applied(applied('9'))).toBeUndefined();
    expect(w.applied(applied('10'))).toBe(1_000);
  });

  it('moves under steady load, a look behind, though ingest never reaches the broker’s newest end', () => {
    const w = heardThroughWatermark();
    // Each second the broker is 10 messages ahead of what ingest has applied.
    for (let s = 1; s <= 5; s++) {
      w.seen(s * 1_000, ends(String(s * 100)));
      expect(w.applied(applied(String(s * 100 - 10)))).toBe(s === 1 ? undefined : (s - 1) * 1_000);
    }
  });

  it('holds still while ingest is stalled, and jumps to the newest covered look once it catches up', () => {
    const w = heardThroughWatermark();
    w.seen(1_000, ends('5', '5'));
    expect(w.applied(applied('5', '5'))).toBe(1_000);
    // One partition stalls: the other's progress alone does not move the watermark.
    for (const at of [2_000, 3_000, 4_000]) {
      w.seen(at, ends('5', String(at / 100)));
      expect(w.applied(applied('5', '6'))).toBe(1_000);
    }
    expect(w.applied(applied('5', '30'))).toBe(3_000);
    expect(w.applied(applied('5', '40'))).toBe(4_000);
    expect(w.last()).toBe(4_000);
  });

  it('never moves back, whatever an older look says', () => {
    const w = heardThroughWatermark();
    w.seen(1_000, ends('5'));
    w.seen(2_000, ends('8'));
    expect(w.applied(applied('8'))).toBe(2_000);
    expect(w.applied(applied('5'))).toBe(2_000);
  });
});
