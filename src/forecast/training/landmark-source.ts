import { and, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { batches, batchStageHistory, landmarks } from '../../db/schema/index.js';
import { DAY_MS } from '../../domain/durations.js';
import { STAGES } from '../../domain/stages.js';
import type { TrainingSource } from '../retrain/training-source.js';
import { featureSpec, landmarkFactsSchema, encodeFacts, TARGETS, type FeatureSpec, type LandmarkFacts, type LandmarkRow, type TargetName } from '../features/index.js';

export type LandmarkSource = TrainingSource;

export interface LandmarkQuery {
  target: TargetName;
  source: LandmarkSource;
  /** Only this history (simulated only). */
  seed?: number;
  /** What training may know: landmarks and outcomes up to here (default: the source's newest record). */
  until?: Date;
}

/** A training row, with the landmark's key and raw facts so another model can encode it with its own spec. */
export interface TrainingRow extends LandmarkRow {
  key: string;
  facts: LandmarkFacts;
}

export interface LoadedLandmarks {
  rows: TrainingRow[];
  /** Built from the facts of every landmark of the source up to `until`, labelled or not. */
  spec: FeatureSpec;
  until: Date;
  /** Landmarks of the source up to `until`, whether or not they could be labelled. */
  landmarks: number;
}

const stageSchema = z.enum(STAGES);

/**
 * Real batches count only on the real clock: a demo's batch (V2V_TIME_SCALE above 1) lived its days
 * in minutes, so its outcomes are no lesson about days.
 */
function sourceOf(table: typeof batches | typeof landmarks, query: LandmarkQuery): SQL | undefined {
  if (query.source === 'real') {
    const onRealClock = table === batches ? eq(batches.timeScale, 1) : sql`${landmarks.batchId} in (select id from batches where time_scale = 1)`;
    return and(eq(table.simulated, false), onRealClock);
  }
  return and(eq(table.simulated, true), query.seed === undefined ? undefined : eq(table.simulationSeed, query.seed));
}

/**
 * Labelled training rows for `target` from PostgreSQL: landmarks whose `ahead` holds the target,
 * labelled with the batch's first entry into the target's stage after the landmark and at or
 * before `until`. A landmark without one is censored (in flight at `until`, cancelled, never
 * released) and gives no row, as docs/forecasting.md says. Ordered by time.
 */
export async function loadLandmarkRows(db: Database, query: LandmarkQuery): Promise<LoadedLandmarks> {
  const until = query.until ?? (await newestRecord(db, query));
  if (until === undefined) return { rows: [], spec: featureSpec({ product: [], site: [], lane: [] }), until: new Date(0), landmarks: 0 };
  const found = await db
    .select({ key: landmarks.key, batchId: landmarks.batchId, productId: landmarks.productId, stage: landmarks.stage, at: landmarks.at, facts: landmarks.facts, ahead: landmarks.ahead })
    .from(landmarks)
    .where(and(sourceOf(landmarks, query), lte(landmarks.at, until)))
    .orderBy(landmarks.at, landmarks.key);
  const entries = await outcomeEntries(db, query, until);
  const facts = found.map((l) => landmarkFactsSchema.parse(l.facts));
  const spec = featureSpec({
    product: facts.map((f) => f.product ?? ''),
    site: facts.flatMap((f) => [f.facility ?? '', f.apheresis_centre ?? '', f.treatment_centre ?? '']),
    lane: facts.flatMap((f) => [f.lane_outbound ?? '', f.lane_return ?? '']),
  });
  const rows: TrainingRow[] = [];
  found.forEach((l, i) => {
    if (!l.ahead.includes(query.target)) return;
    const at = l.at.toISOString();
    const outcomeAt = Object.fromEntries(
      TARGETS.map((t) => [t.name, l.ahead.includes(t.name) ? firstAfter(entries.get(`${l.batchId}:${t.stage}`), l.at.getTime()) : null]),
    ) as Record<TargetName, string | null>;
    if (outcomeAt[query.target] === null) return;
    const days = (o: string | null) => (o === null ? null : (Date.parse(o) - l.at.getTime()) / DAY_MS);
    rows.push({
      key: l.key, batchId: l.batchId, productId: l.productId, stage: stageSchema.parse(l.stage), at,
      features: encodeFacts(spec, facts[i]!), facts: facts[i]!,
      targets: Object.fromEntries(TARGETS.map((t) => [t.name, days(outcomeAt[t.name])])) as Record<TargetName, number | null>,
      outcomeAt,
    });
  });
  return { rows, spec, until, landmarks: found.length };
}

/** Entries into the targets' stages by the source's batches up to `until`, by `batchId:stage`, in time order. */
async function outcomeEntries(db: Database, query: LandmarkQuery, until: Date): Promise<Map<string, number[]>> {
  const found = await db
    .select({ batchId: batchStageHistory.batchId, stage: batchStageHistory.stage, enteredAt: batchStageHistory.enteredAt })
    .from(batchStageHistory)
    .innerJoin(batches, eq(batches.id, batchStageHistory.batchId))
    .where(and(sourceOf(batches, query), inArray(batchStageHistory.stage, TARGETS.map((t) => t.stage)), lte(batchStageHistory.enteredAt, until)))
    .orderBy(batchStageHistory.enteredAt);
  const entries = new Map<string, number[]>();
  for (const e of found) {
    const key = `${e.batchId}:${e.stage}`;
    const times = entries.get(key);
    if (times) times.push(e.enteredAt.getTime());
    else entries.set(key, [e.enteredAt.getTime()]);
  }
  return entries;
}

const firstAfter = (times: number[] | undefined, at: number) => {
  const t = times?.find((x) => x > at);
  return t === undefined ? null : new Date(t).toISOString();
};

/** The newest landmark or stage entry the source holds: by default training knows everything recorded. */
async function newestRecord(db: Database, query: LandmarkQuery): Promise<Date | undefined> {
  const [l] = await db.select({ at: sql<string | null>`max(${landmarks.at})` }).from(landmarks).where(sourceOf(landmarks, query));
  const [h] = await db
    .select({ at: sql<string | null>`max(${batchStageHistory.enteredAt})` })
    .from(batchStageHistory)
    .innerJoin(batches, eq(batches.id, batchStageHistory.batchId))
    .where(sourceOf(batches, query));
  const times = [l?.at, h?.at].filter((t): t is string => t !== null && t !== undefined).map((t) => Date.parse(t));
  return times.length === 0 ? undefined : new Date(Math.max(...times));
}
