import { eq, sql } from 'drizzle-orm';
import { forecasts, productProfiles } from '../src/db/schema/index.js';
import { HOUR_MS, productProfileSchema } from '../src/domain/profile.js';
import type { Stage } from '../src/domain/stages.js';
import { turnaroundQuantiles, type TurnaroundQuantiles } from '../src/domain/turnaround-baseline.js';
import type { Forecast } from '../workflows/messages.js';
import type { ActivityDeps, Tx } from './deps.js';
import { invalidInput, parseInstant, requireTimeScale } from './failures.js';
import type { BatchActivities } from './types.js';

/** The most recent releases the baseline learns from: enough for stable quantiles, recent enough to track the process. */
const MAX_SAMPLES = 500;

/**
 * Forecasts when the batch will be RELEASED, counted from when it entered its current stage.
 * One forecast per stage entry: the row's key is (batch, stage, entered at), so a retry returns
 * the forecast the first attempt stored instead of storing a second one.
 *
 * Stored values: `unit` 'hours'; p10/p50/p90 are wall-clock hours from `stageEnteredAt` to the
 * forecast release, i.e. already divided by the time scale (`details.timeScale` recovers real
 * hours). `details.forecast` is exactly what the activity returned.
 */
export function forecastActivities({ db }: ActivityDeps): Pick<BatchActivities, 'forecastTurnaround'> {
  return {
    async forecastTurnaround({ batchId, productId, stage, stageEnteredAt, timeScale }) {
      const entered = parseInstant(stageEnteredAt, 'stageEnteredAt');
      requireTimeScale(timeScale);
      const key = `${batchId}:turnaround:${stage}:${entered.toISOString()}`;

      return db.transaction(async (tx) => {
        const earlier = await storedForecast(tx, key);
        if (earlier) return earlier;

        const [row] = await tx.select({ profile: productProfiles.profile }).from(productProfiles).where(eq(productProfiles.id, productId));
        if (!row) throw invalidInput(`Product profile ${productId} does not exist.`);
        const profile = productProfileSchema.parse(row.profile);

        const samplesMs = await releaseDurations(tx, { batchId, productId, stage, timeScale });
        const q = turnaroundQuantiles({ profile, stage, timeScale, samplesMs });
        const forecast = forecastFrom(q, stage, entered);

        const stored = await tx
          .insert(forecasts)
          .values({
            key,
            batchId,
            target: 'turnaround',
            unit: 'hours',
            p10: q.p10Ms / HOUR_MS,
            p50: q.p50Ms / HOUR_MS,
            p90: q.p90Ms / HOUR_MS,
            details: { method: q.method, stage, stageEnteredAt: entered.toISOString(), timeScale, sampleSize: q.sampleSize, forecast },
          })
          .onConflictDoNothing({ target: forecasts.key })
          .returning({ id: forecasts.id });
        // Another attempt stored its forecast in the meantime: answer with that one, as a retry would.
        return stored.length > 0 ? forecast : ((await storedForecast(tx, key)) ?? forecast);
      });
    },
  };
}

/** The quantiles as instants counted from when the batch entered the stage: what the workflow shows. */
export function forecastFrom(q: TurnaroundQuantiles, stage: Stage, entered: Date): Forecast {
  const ready = (ms: number) => new Date(entered.getTime() + ms).toISOString();
  return { method: q.method, stage, readyP10: ready(q.p10Ms), readyP50: ready(q.p50Ms), readyP90: ready(q.p90Ms) };
}

async function storedForecast(tx: Tx, key: string): Promise<Forecast | undefined> {
  const [row] = await tx.select({ details: forecasts.details }).from(forecasts).where(eq(forecasts.key, key));
  return (row?.details as { forecast?: Forecast } | null | undefined)?.forecast;
}

/**
 * For earlier batches of the product: from their (last) entry into `stage` to their first RELEASED
 * after it, in milliseconds. The batch being forecast is left out so it never predicts itself, and
 * only batches that ran on the same clock (V2V_TIME_SCALE) count: a demo's seconds are not days.
 * Simulated batches (`v2v simulate history`) never count: a real batch's forecast must rest on what
 * really happened, not on the twin's assumptions; training on simulated history asks for it by
 * name (`where simulated`).
 */
async function releaseDurations(tx: Tx, where: { batchId: string; productId: string; stage: Stage; timeScale: number }): Promise<number[]> {
  const result = await tx.execute<{ ms: number }>(sql`
    select ms from (
      select distinct on (s.batch_id) s.batch_id, r.released_at,
             (extract(epoch from (r.released_at - s.entered_at)) * 1000)::float8 as ms
      from batch_stage_history s
      cross join lateral (
        select min(h.entered_at) as released_at from batch_stage_history h
        where h.batch_id = s.batch_id and h.stage = 'RELEASED' and h.entered_at >= s.entered_at
      ) r
      join batches b on b.id = s.batch_id and b.time_scale = ${where.timeScale} and not b.simulated
      where s.product_id = ${where.productId} and s.stage = ${where.stage}
        and s.batch_id <> ${where.batchId} and r.released_at is not null
      order by s.batch_id, s.entered_at desc
    ) per_batch
    order by released_at desc
    limit ${MAX_SAMPLES}`);
  return result.rows.map((r) => Number(r.ms));
}
