import { and, eq } from 'drizzle-orm';
import { forecasts, landmarks, models } from '../src/db/schema/index.js';
import { batchClock, type JourneyState } from '../src/domain/batch/index.js';
import { HOUR_MS, DAY_MS } from '../src/domain/durations.js';
import { encodeFacts, landmarkFacts, landmarkKey, type LandmarkFacts } from '../src/forecast/features/index.js';
import { findModel, NETWORK_SCOPE } from '../src/forecast/registry/index.js';
import { predictTurnaround, turnaroundCell, type TurnaroundArtifact } from '../src/forecast/turnaround/index.js';
import type { Forecast } from '../src/domain/batch/index.js';
import { baselineQuantiles, type Target } from './forecast-baseline.js';
import { landmarkContext } from './forecast-context.js';
import { judgeBooking } from './forecast-risk.js';
import { forecastOf, forecastTargets, stageEnteredAt, type TargetQuantiles } from './forecast-shape.js';
import type { ActivityDeps, Tx } from './deps.js';
import { lockBatch, parseInstant, requireTimeScale } from './failures.js';
import type { BatchActivities } from './types.js';

export interface ForecastOptions {
  /** The registry scope whose active models serve (tests use their own, so they never disturb each other). */
  scope?: string;
}

interface ServedModel {
  id: string;
  artifact: TurnaroundArtifact;
}

/**
 * Forecasts release and infusion-ready at a landmark of the batch, from the decider's state the
 * workflow passes and the context read here. Stores the landmark (its raw facts: what a model is
 * trained on later) and one `forecasts` row per target still ahead, keyed by the landmark, in one
 * transaction under the batch's lock: a retry returns what the first attempt stored.
 *
 * With an active model for a target it serves the model; without, the empirical baseline (`method`
 * says which). Stored p10/p50/p90 are wall-clock hours from the landmark, i.e. already divided by the
 * batch's time scale (`details.timeScale` recovers real hours); `details.forecast` is what the
 * activity returned. The batch's active booking is judged against P90 of infusion-ready (forecast-risk).
 */
export function forecastActivities({ db }: ActivityDeps, { scope = NETWORK_SCOPE }: ForecastOptions = {}): Pick<BatchActivities, 'forecastTurnaround'> {
  // A model's artifact never changes under its id, and its trees are compiled once per artifact object.
  const artifacts = new Map<string, TurnaroundArtifact>();
  async function served(target: Target): Promise<ServedModel | undefined> {
    const [active] = await db
      .select({ id: models.id })
      .from(models)
      .where(and(eq(models.target, target.name), eq(models.scope, scope), eq(models.state, 'active')));
    if (!active) return undefined;
    let artifact = artifacts.get(active.id);
    if (!artifact) {
      artifact = (await findModel(db, active.id))!.artifact as TurnaroundArtifact;
      artifacts.set(active.id, artifact);
    }
    return { id: active.id, artifact };
  }

  return {
    async forecastTurnaround({ state, at: atIso }) {
      const at = parseInstant(atIso, 'at');
      const { batchId, productId, timeScale } = state.input;
      requireTimeScale(timeScale);
      const ahead = forecastTargets(state);
      const key = landmarkKey(batchId, at);
      const servedModels = await Promise.all(ahead.map(served));

      return db.transaction(async (tx) => {
        await lockBatch(tx, batchId);
        const earlier = await storedForecast(tx, key);
        if (earlier) return earlier;

        // Stored and served in real time, whatever the batch's clock: what a model trains on later.
        const facts = inRealTime(landmarkFacts(state, await landmarkContext(tx, state, at.toISOString())), state, at);
        const [landmark] = await tx
          .insert(landmarks)
          .values({ key, batchId, productId, stage: state.stage, at, facts, ahead: ahead.map((t) => t.name) })
          .returning({ id: landmarks.id });

        const elapsedMs = at.getTime() - stageEnteredAt(state);
        const quantiles: (TargetQuantiles & { sampleSize?: number })[] = [];
        for (const [i, target] of ahead.entries()) {
          const model = servedModels[i];
          if (model) quantiles.push({ target, method: 'model', modelId: model.id, ...fromModel(model.artifact, state, facts) });
          else {
            const q = await baselineQuantiles(tx, { batchId, profile: state.input.profile, stage: state.stage, target, timeScale, elapsedMs });
            quantiles.push({ target, ...q });
          }
        }
        const infusion = quantiles.find((q) => q.target.name === 'infusion_ready_days');
        const booking = await judgeBooking(tx, state.input, infusion && at.getTime() + infusion.p90Ms, key);
        const forecast = forecastOf(state, at, quantiles, booking);

        await tx.insert(forecasts).values(
          quantiles.map((q) => ({
            key: `${key}:${q.target.name}`,
            batchId,
            target: q.target.name,
            modelId: q.modelId ?? null,
            landmarkId: landmark!.id,
            unit: 'hours',
            p10: q.p10Ms / HOUR_MS,
            p50: q.p50Ms / HOUR_MS,
            p90: q.p90Ms / HOUR_MS,
            details: { method: q.method, stage: state.stage, at: at.toISOString(), timeScale, sampleSize: q.sampleSize, forecast },
          })),
        );
        return forecast;
      });
    },
  };
}

/** The facts that are durations: a compressed clock's hours are scaled back to real hours. */
const HOUR_FACTS = ['hours_in_stage', 'hours_since_collection', 'hours_since_enrolment'] as const satisfies readonly (keyof LandmarkFacts)[];

/**
 * A compressed batch's facts as a batch on the real clock would have them: its durations scaled back
 * to real hours, and its calendar (day of week, hour, month) that of the simulated instant, counted
 * from its enrolment, since its whole journey passes in one wall-clock afternoon.
 */
function inRealTime(facts: LandmarkFacts, state: JourneyState, at: Date): LandmarkFacts {
  const clock = batchClock(state.input);
  if (clock.realTime) return facts;
  const real = { ...facts };
  for (const name of HOUR_FACTS) real[name] = facts[name] === null ? null : facts[name] * state.input.timeScale;
  const enrolled = state.timeline[0] ? Date.parse(state.timeline[0].at) : at.getTime();
  const simulated = new Date(clock.simulatedAt(enrolled, at.getTime()));
  return { ...real, day_of_week: simulated.getUTCDay(), hour_of_day: simulated.getUTCHours(), month: simulated.getUTCMonth() + 1 };
}

/** A model's calibrated days from the landmark (facts in real hours), on the batch's clock (real days divided by its time scale). */
function fromModel(artifact: TurnaroundArtifact, state: JourneyState, facts: LandmarkFacts) {
  const { timeScale, productId } = state.input;
  const days = predictTurnaround(artifact, encodeFacts(artifact.spec, facts), turnaroundCell(productId, state.stage));
  const ms = (d: number) => (d * DAY_MS) / timeScale;
  return { p10Ms: ms(days.p10), p50Ms: ms(days.p50), p90Ms: ms(days.p90) };
}

/** Every row of a landmark carries the forecast it returned; infusion-ready is always among them. */
async function storedForecast(tx: Tx, key: string): Promise<Forecast | undefined> {
  const [row] = await tx.select({ details: forecasts.details }).from(forecasts).where(eq(forecasts.key, `${key}:infusion_ready_days`));
  return (row?.details as { forecast?: Forecast } | null | undefined)?.forecast;
}
