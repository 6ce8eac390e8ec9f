import { describe, expect, it } from 'vitest';
import { landmarkRows } from '../../src/forecast/features/index.js';
import type { BatchJourneyRecord } from '../../src/domain/batch/journey-record.js';
import { smallTwinRun } from './landmark-fixtures.js';

const entries = (b: BatchJourneyRecord, stage: string) => b.events.filter((e) => e.type === 'stage-changed' && e.to === stage).map((e) => e.at);

describe('landmark rows of a twin history', () => {
  it('labels a failed attempt with the release of the re-collected batch, and a cancelled batch only with what it reached', () => {
    const history = smallTwinRun();
    const { rows } = landmarkRows(history);
    const byBatch = new Map<string, typeof rows>();
    for (const r of rows) byBatch.set(r.batchId, [...(byBatch.get(r.batchId) ?? []), r]);

    const recollected = history.batches.filter((b) => b.final.attempt > 1 && entries(b, 'RELEASED').length > 0);
    expect(recollected.length).toBeGreaterThan(0);
    for (const b of recollected) {
      const release = entries(b, 'RELEASED')[0]!;
      const beforeFailure = byBatch.get(b.input.batchId)!.filter((r) => r.at < entries(b, 'FAILED')[0]!);
      expect(beforeFailure.length).toBeGreaterThan(0);
      for (const r of beforeFailure) expect(r.outcomeAt.release_days).toBe(release);
    }

    const cancelled = history.batches.filter((b) => b.final.stage === 'CANCELLED');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const b of cancelled) {
      const own = byBatch.get(b.input.batchId) ?? [];
      if (entries(b, 'RELEASED').length === 0) expect(own).toEqual([]);
      if (entries(b, 'RECEIVED_AT_SITE').length === 0) for (const r of own) expect(r.targets.infusion_ready_days).toBeNull();
    }
  });

  it('a history cut short trains on no outcome after its end, and its rows are the full history rows of those landmarks', () => {
    const history = smallTwinRun();
    const full = landmarkRows(history);
    const end = new Date((Date.parse(history.startAt) + Date.parse(history.endAt)) / 2).toISOString();
    const cut = landmarkRows(history, { historyEnd: end, spec: full.spec });

    expect(cut.rows.length).toBeGreaterThan(100);
    for (const r of cut.rows) {
      expect(r.at <= end).toBe(true);
      for (const o of Object.values(r.outcomeAt)) if (o !== null) expect(o <= end).toBe(true);
    }
    // A batch still in flight at the cut is not labelled as if it had finished there.
    const inFlight = history.batches.filter((b) => b.events[0]!.at <= end && (entries(b, 'RELEASED')[0] ?? '9') > end);
    expect(inFlight.length).toBeGreaterThan(0);
    for (const r of cut.rows.filter((x) => inFlight.some((b) => b.input.batchId === x.batchId))) expect(r.targets.release_days).toBeNull();

    const key = (r: { batchId: string; at: string }) => `${r.batchId}@${r.at}`;
    const fullByKey = new Map(full.rows.map((r) => [key(r), r]));
    for (const r of cut.rows) expect(r.features).toEqual(fullByKey.get(key(r))!.features);
  });

  it('counts the queue at the facility at each landmark as a replay of every other batch would', () => {
    const history = smallTwinRun();
    const { rows } = landmarkRows(history);
    const stageAt = (b: BatchJourneyRecord, at: string) => b.events.flatMap((e) => (e.type === 'stage-changed' && e.at <= at ? [e.to] : [])).at(-1);
    const facilityOf = new Map(history.batches.map((b) => [b.input.batchId, b.input.facilityId]));
    for (const r of rows.filter((_, i) => i % 97 === 0)) {
      const others = history.batches.filter((b) => b.input.batchId !== r.batchId && b.input.facilityId === facilityOf.get(r.batchId));
      const stages = others.map((b) => stageAt(b, r.at));
      expect(r.features.queue_manufacturing).toBe(stages.filter((s) => s === 'MANUFACTURING').length);
      expect(r.features.queue_qc).toBe(stages.filter((s) => s === 'QC_TESTING' || s === 'AWAITING_QA_RELEASE').length);
    }
    expect(Math.max(...rows.map((r) => r.features.queue_manufacturing ?? 0))).toBeGreaterThan(0);
  });
});
