import { describe, expect, it } from 'vitest';
import { LIVE_SOURCES, type Cursor } from '../../src/api/live-events/cursor.js';
import { LATE_ROW_WAIT_MS, SkippedIds } from '../../src/api/live-events/skipped-ids.js';

const at = (alert: number): Cursor => ({ ...(Object.fromEntries(LIVE_SOURCES.map((s) => [s, 100])) as Cursor), alert });
const alerts = (...ids: number[]) => ids.map((id) => ({ source: 'alert' as const, id }));

describe('ids a live read skipped', () => {
  it('asks again for an id a read passed over, until it turns up', () => {
    const skipped = new SkippedIds();
    skipped.note(at(10), alerts(11, 13, 14), 0);
    expect(skipped.pending(1_000)).toMatchObject({ alert: [12], stage: [], custody: [] });
    // The next read (from 14) finds 12, committed late, among the rows asked for by id.
    skipped.note(at(14), alerts(12, 15), 1_000);
    expect(skipped.pending(2_000).alert).toEqual([]);
  });

  it('gives an id up after the wait: a rolled-back or conflicting insert uses an id that never fills', () => {
    const skipped = new SkippedIds();
    skipped.note(at(10), alerts(12), 0);
    expect(skipped.pending(LATE_ROW_WAIT_MS).alert).toEqual([11]);
    expect(skipped.pending(LATE_ROW_WAIT_MS + 1).alert).toEqual([]);
  });

  it('watches nothing when a read is contiguous or empty, and keeps sources apart', () => {
    const skipped = new SkippedIds();
    skipped.note(at(10), alerts(11, 12), 0);
    skipped.note(at(12), [], 0);
    skipped.note(at(12), [{ source: 'custody', id: 103 }], 0);
    expect(skipped.pending(0)).toMatchObject({ alert: [], custody: [101, 102] });
  });
});
