import type { landmarks } from '../../db/schema/index.js';
import { historyLandmarks, landmarkKey } from '../../forecast/features/index.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import type { SimulationResult } from '../records.js';
import type { SimulatedIds } from './simulated-ids.js';

type LandmarkInsert = typeof landmarks.$inferInsert;

/**
 * The landmarks table's rows of a run: exactly the landmarks `landmarkRows` trains on, with their
 * raw facts (the twin's own site and lane ids, as its decider saw them) and the targets still
 * ahead. Labels are not stored: training joins the outcomes from batch_stage_history up to its own
 * cut. Recorded at their instant, so a rewrite of the seed gives the same rows.
 */
export function landmarkRowsByBatch(result: SimulationResult, ids: SimulatedIds): (sim: BatchJourneyRecord) => LandmarkInsert[] {
  const byBatch = new Map<BatchJourneyRecord, LandmarkInsert[]>();
  for (const l of historyLandmarks(result.batches, Date.parse(result.endAt))) {
    const batchId = ids.batch(l.batch.input.batchId);
    const at = new Date(l.at);
    const row: LandmarkInsert = {
      key: landmarkKey(batchId, l.at), batchId, productId: l.batch.input.productId, stage: l.stage, at,
      facts: l.facts, ahead: l.ahead, simulationSeed: ids.seed, createdAt: at,
    };
    const rows = byBatch.get(l.batch);
    if (rows) rows.push(row);
    else byBatch.set(l.batch, [row]);
  }
  return (sim) => byBatch.get(sim) ?? [];
}
