import { sql } from 'drizzle-orm';
import { type ProductProfile } from '../src/domain/profile.js';
import { HOUR_MS } from '../src/domain/durations.js';
import type { Stage } from '../src/domain/stages.js';
import { NOMINAL_P10_FACTOR, NOMINAL_P90_FACTOR, turnaroundQuantiles, type TurnaroundQuantiles } from '../src/domain/turnaround-baseline.js';
import type { TARGETS } from '../src/forecast/features/index.js';
import type { Tx } from './deps.js';

export type Target = (typeof TARGETS)[number];

/** The most recent outcomes the baseline learns from: enough for stable quantiles, recent enough to track the process. */
const MAX_SAMPLES = 500;

export interface BaselineWhere {
  batchId: string;
  profile: ProductProfile;
  stage: Stage;
  target: Target;
  timeScale: number;
  /** How long the batch has been in `stage` at the landmark (wall-clock ms). */
  elapsedMs: number;
}

/** The forecast without a model, from the batch's product history in PostgreSQL. */
export async function baselineQuantiles(tx: Tx, where: BaselineWhere): Promise<TurnaroundQuantiles> {
  const samplesMs = await durationsToTarget(tx, { ...where, productId: where.profile.id, targetStage: where.target.stage });
  return baselineFromSamples({ ...where, samplesMs });
}

/**
 * Quantiles of how long earlier batches took from entering `stage` to the target, for those still
 * short of it after `elapsedMs` in the stage (a landmark at a milestone comes part-way through a
 * stage), minus that time. With too little history, the profile's nominal durations from entering
 * the stage, less the time spent; to infusion-ready they add the return leg.
 */
export function baselineFromSamples(where: Omit<BaselineWhere, 'batchId'> & { samplesMs: readonly number[] }): TurnaroundQuantiles {
  const { profile, stage, target, timeScale, elapsedMs } = where;
  const remaining = where.samplesMs.filter((ms) => ms > elapsedMs).map((ms) => ms - elapsedMs);
  const q = turnaroundQuantiles({ profile, stage, timeScale, samplesMs: remaining });
  if (q.method === 'empirical-baseline') return q;
  const returnMs = target.stage === 'RELEASED' ? 0 : (profile.legs.return.nominalHours * HOUR_MS) / timeScale;
  const nominalMs = q.p50Ms + returnMs;
  const left = (ms: number) => Math.max(0, ms - elapsedMs);
  return { ...q, p10Ms: left(nominalMs * NOMINAL_P10_FACTOR), p50Ms: left(nominalMs), p90Ms: left(nominalMs * NOMINAL_P90_FACTOR) };
}

/**
 * For earlier batches of the product: from their (last) entry into `stage` to their first entry
 * into `targetStage` after it, in milliseconds. The batch being forecast is left out so it never
 * predicts itself, and only batches that ran on the same clock (V2V_TIME_SCALE) count: a demo's
 * seconds are not days. Simulated batches (`v2v simulate history`) never count: a real batch's
 * forecast must rest on what really happened, not on the twin's assumptions.
 */
async function durationsToTarget(
  tx: Tx,
  where: { batchId: string; productId: string; stage: Stage; targetStage: Stage; timeScale: number },
): Promise<number[]> {
  const result = await tx.execute<{ ms: number }>(sql`
    select ms from (
      select distinct on (s.batch_id) s.batch_id, r.reached_at,
             (extract(epoch from (r.reached_at - s.entered_at)) * 1000)::float8 as ms
      from batch_stage_history s
      cross join lateral (
        select min(h.entered_at) as reached_at from batch_stage_history h
        where h.batch_id = s.batch_id and h.stage = ${where.targetStage} and h.entered_at >= s.entered_at
      ) r
      join batches b on b.id = s.batch_id and b.time_scale = ${where.timeScale} and not b.simulated
      where s.product_id = ${where.productId} and s.stage = ${where.stage}
        and s.batch_id <> ${where.batchId} and r.reached_at is not null
      order by s.batch_id, s.entered_at desc
    ) per_batch
    order by reached_at desc
    limit ${MAX_SAMPLES}`);
  return result.rows.map((r) => Number(r.ms));
}
