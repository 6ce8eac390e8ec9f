import { and, desc, eq, inArray, lte, ne, not, sql } from 'drizzle-orm';
import { batches, equipmentAssessments } from '../src/db/schema/index.js';
import type { JourneyState } from '../src/domain/batch/index.js';
import type { Stage } from '../src/domain/stages.js';
import { QUEUE_STAGES, type LandmarkContext } from '../src/forecast/features/index.js';
import type { Tx } from './deps.js';

/**
 * What the worker knows at a landmark beyond the decider's state, read from PostgreSQL: the other
 * real batches now in the facility's queue stages, and the latest failure risk assessed for the
 * batch's bioreactor up to the landmark. The real system records neither courier lanes nor the cell
 * yield (the twin does), so those features are missing (null), which the models were trained to read.
 */
export async function landmarkContext(tx: Tx, state: JourneyState, at: string): Promise<LandmarkContext> {
  const { batchId, facilityId } = state.input;
  const inQueue = (stages: readonly Stage[]) =>
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(batches)
      .where(and(eq(batches.facilityId, facilityId), inArray(batches.stage, [...stages]), ne(batches.id, batchId), not(batches.simulated)))
      .then(([row]) => row?.n ?? 0);
  // One after the other: a transaction is one connection, which runs one query at a time.
  const manufacturing = await inQueue(QUEUE_STAGES.manufacturing);
  const qc = await inQueue(QUEUE_STAGES.qc);
  const equipmentRisk = await latestRisk(tx, state.manufacturing.equipmentId, at);
  return { at, queue: { manufacturing, qc }, ...(equipmentRisk !== undefined ? { equipmentRisk } : {}) };
}

async function latestRisk(tx: Tx, equipmentId: string | undefined, at: string): Promise<number | undefined> {
  if (!equipmentId) return undefined;
  const [row] = await tx
    .select({ risk: equipmentAssessments.failureProbability7d })
    .from(equipmentAssessments)
    .where(and(eq(equipmentAssessments.equipmentId, equipmentId), lte(equipmentAssessments.at, new Date(at))))
    .orderBy(desc(equipmentAssessments.at))
    .limit(1);
  return row?.risk;
}
