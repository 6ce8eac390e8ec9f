import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastActivities } from '../../activities/forecast.js';
import { infusionBookingActivities } from '../../activities/infusion-bookings.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { alerts, batches, batchStageHistory, equipment, equipmentAssessments, forecasts, infusionBookings, landmarks } from '../../src/db/schema/index.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { iso } from '../../src/domain/instant.js';
import { HOUR_MS, DAY_MS } from '../../src/domain/durations.js';
import { earliestSafeInfusion } from '../../src/domain/safe-infusion.js';
import { nominalHoursToRelease } from '../../src/domain/turnaround-baseline.js';
import { landmarkFacts } from '../../src/forecast/features/index.js';
import { stackConfig, unique } from '../setup/services.js';
import { createBatch, createProduct, createSites } from './batch-fixtures.js';
import { journeyInput, stateThrough } from './forecast-fixtures.js';
import { activateModel, knownArtifact } from './forecast-model-fixture.js';

const url = stackConfig().DATABASE_URL!;
const { db, pool } = createDatabase(url, { max: 4 });
const bookings = infusionBookingActivities({ db, pool });

beforeAll(async () => {
  await migrateDatabase(url);
  await seedReferenceData(db);
});
afterAll(() => pool.end());

const T0 = Date.parse('2026-07-01T00:00:00.000Z');
const day = (n: number) => iso(T0 + n * DAY_MS);

/** A batch of its own product at its own sites, and a forecast activity reading models of its own scope. */
async function setup(timeScale = 1) {
  const sites = await createSites(db);
  const product = await createProduct(db);
  const batch = await createBatch(db, { ...sites, productId: product.id });
  const scope = unique('scope');
  const input = journeyInput({ batchId: batch.id, productId: product.id, ...sites, timeScale });
  return { sites, product, batch, scope, input, activities: forecastActivities({ db, pool }, { scope }) };
}

const rowsOf = (batchId: string) => db.select().from(forecasts).where(eq(forecasts.batchId, batchId)).orderBy(forecasts.target);

describe('the forecast activity on PostgreSQL', () => {
  it('without a model: the nominal baseline, a landmark row with its facts, one forecast row per target, written once', async () => {
    const { batch, product, input, activities } = await setup();
    const state = stateThrough(input, day(0), [['APHERESIS_SCHEDULED', day(0)], ['COLLECTED', day(1)], ['OUTBOUND_TRANSIT', day(1)], ['RECEIVED_AT_FACILITY', day(2)], ['MANUFACTURING', day(2)]]);
    const [first, retried, raced] = await Promise.all([
      activities.forecastTurnaround({ state, at: day(2) }),
      activities.forecastTurnaround({ state, at: day(2) }),
      activities.forecastTurnaround({ state, at: day(2) }),
    ]);
    expect(retried).toEqual(first);
    expect(raced).toEqual(first);

    const releaseHours = nominalHoursToRelease(product, 'MANUFACTURING');
    const readyHours = releaseHours + product.legs.return.nominalHours;
    expect(first).toMatchObject({ method: 'profile-nominal', modelIds: [], stage: 'MANUFACTURING', at: day(2), atRisk: false });
    expect(first.release).toEqual({ method: 'profile-nominal', p10: iso(T0 + 2 * DAY_MS + releaseHours * 0.85 * HOUR_MS), p50: iso(T0 + 2 * DAY_MS + releaseHours * HOUR_MS), p90: iso(T0 + 2 * DAY_MS + releaseHours * 1.3 * HOUR_MS) });
    expect(first.infusionReady?.p50).toBe(iso(T0 + 2 * DAY_MS + readyHours * HOUR_MS));

    const [landmark, ...more] = await db.select().from(landmarks).where(eq(landmarks.batchId, batch.id));
    expect(more).toHaveLength(0);
    expect(landmark).toMatchObject({ key: `${batch.id}:landmark:${day(2)}`, stage: 'MANUFACTURING', ahead: ['release_days', 'infusion_ready_days'], simulated: false });
    expect(landmark!.facts).toEqual(landmarkFacts(state, { at: day(2), queue: { manufacturing: 0, qc: 0 } }));

    const rows = await rowsOf(batch.id);
    expect(rows.map((r) => [r.target, r.modelId, r.landmarkId, r.unit])).toEqual([
      ['infusion_ready_days', null, landmark!.id, 'hours'],
      ['release_days', null, landmark!.id, 'hours'],
    ]);
    expect(rows[1]).toMatchObject({ p50: releaseHours, details: { method: 'profile-nominal', forecast: first } });
  });

  it('learns the baseline from completed histories of the product; at a later landmark, from those still short of the target', async () => {
    const { sites, product, input, activities } = await setup();
    // Seven earlier batches that took 8…14 days from MANUFACTURING to RELEASED, and 2 more days to the site.
    for (const days of [8, 9, 10, 11, 12, 13, 14]) {
      const earlier = await createBatch(db, { ...sites, productId: product.id });
      const start = Date.parse('2026-01-01T00:00:00.000Z');
      await db.insert(batchStageHistory).values([
        { batchId: earlier.id, productId: product.id, stage: 'MANUFACTURING', enteredAt: new Date(start) },
        { batchId: earlier.id, productId: product.id, stage: 'RELEASED', enteredAt: new Date(start + days * DAY_MS) },
        { batchId: earlier.id, productId: product.id, stage: 'RECEIVED_AT_SITE', enteredAt: new Date(start + (days + 2) * DAY_MS) },
      ]);
    }
    const state = stateThrough(input, day(0), [['MANUFACTURING', day(0)]]);
    const atEntry = await activities.forecastTurnaround({ state, at: day(0) });
    expect(atEntry.method).toBe('empirical-baseline');
    expect([atEntry.readyP10, atEntry.readyP50, atEntry.readyP90]).toEqual([day(8.6), day(11), day(13.4)]);
    expect(atEntry.infusionReady).toMatchObject({ method: 'empirical-baseline', p50: day(13) });

    // 9.5 days in (a milestone): the five batches released after 10…14 days, for what they had left.
    const later = await activities.forecastTurnaround({ state, at: day(9.5) });
    expect([later.readyP10, later.readyP50, later.readyP90]).toEqual([day(10.4), day(12), day(13.6)]);

    // 12.5 days in: two such batches say too little, so the nominal durations, less the time spent.
    const late = await activities.forecastTurnaround({ state, at: day(12.5) });
    const nominalLeft = Math.max(0, nominalHoursToRelease(product, 'MANUFACTURING') * HOUR_MS - 12.5 * DAY_MS);
    expect(late).toMatchObject({ method: 'profile-nominal', readyP50: iso(T0 + 12.5 * DAY_MS + nominalLeft) });
  });

  it('serves the active model of its scope on the batch’s clock, and says which', async () => {
    const { batch, product, input, activities, scope } = await setup(24);
    const releaseModel = await activateModel(db, scope, knownArtifact('release_days', product.id));
    // One (wall-clock) hour into the stage at a time scale of 24: a model reads a real day, past its 12-hour split.
    const state = stateThrough(input, day(0), [['MANUFACTURING', day(0)]]);
    const at = iso(T0 + HOUR_MS);
    const forecast = await activities.forecastTurnaround({ state, at });
    // P10/P50/P90 of 2/3/4 days widened by half a day, each divided by the time scale.
    const after = (days: number) => iso(T0 + HOUR_MS + (days * DAY_MS) / 24);
    expect(forecast.release).toEqual({ method: 'model', modelId: releaseModel, p10: after(1.5), p50: after(3), p90: after(4.5) });
    expect(forecast.infusionReady?.method).toBe('profile-nominal');
    expect(forecast).toMatchObject({ method: 'profile-nominal', modelIds: [releaseModel] });

    const readyModel = await activateModel(db, scope, knownArtifact('infusion_ready_days', product.id));
    const both = await activities.forecastTurnaround({ state, at: iso(T0 + 2 * HOUR_MS) });
    expect(both).toMatchObject({ method: 'model', modelIds: [releaseModel, readyModel], infusionReady: { method: 'model', modelId: readyModel } });
    const stored = (await rowsOf(batch.id)).filter((r) => r.details && (r.details as { at: string }).at === both.at);
    expect(stored.map((r) => [r.target, r.modelId, r.p50])).toEqual([
      ['infusion_ready_days', readyModel, (3 * 24) / 24],
      ['release_days', releaseModel, (3 * 24) / 24],
    ]);
  });

  it('reads the facility’s queue of other real batches and the latest risk of the batch’s bioreactor into the landmark', async () => {
    const { sites, product, batch, input, activities } = await setup();
    const inManufacturing = await createBatch(db, { ...sites, productId: product.id });
    const inQc = await createBatch(db, { ...sites, productId: product.id });
    await db.update(batches).set({ stage: 'MANUFACTURING' }).where(eq(batches.id, inManufacturing.id));
    await db.update(batches).set({ stage: 'AWAITING_QA_RELEASE' }).where(eq(batches.id, inQc.id));
    const unit = unique('bioreactor');
    await db.insert(equipment).values({ id: unit, siteId: sites.facility, kind: 'bioreactor' });
    await db.insert(equipmentAssessments).values([
      { key: unique('assessment'), equipmentId: unit, at: new Date(T0), failureProbability7d: 0.2, method: 'threshold-rule' },
      { key: unique('assessment'), equipmentId: unit, at: new Date(T0 + DAY_MS), failureProbability7d: 0.4, method: 'threshold-rule' },
      { key: unique('assessment'), equipmentId: unit, at: new Date(T0 + 5 * DAY_MS), failureProbability7d: 0.9, method: 'threshold-rule' },
    ]);
    const entered = stateThrough(input, day(0), [['MANUFACTURING', day(0)]]);
    const state = { ...entered, manufacturing: { done: 1, equipmentId: unit } };
    await activities.forecastTurnaround({ state, at: day(2) });
    const [landmark] = await db.select().from(landmarks).where(eq(landmarks.batchId, batch.id));
    expect(landmark!.facts).toMatchObject({ queue_manufacturing: 1, queue_qc: 1, equipment_risk: 0.4, cell_yield: null, lane_outbound: null });
  });

  it('stores a compressed clock\'s durations in real hours and its calendar as simulated, as a model is trained on them', async () => {
    const { batch, input, activities } = await setup(24);
    await activities.forecastTurnaround({ state: stateThrough(input, day(0), [['MANUFACTURING', day(0)]]), at: day(2) });
    const [landmark] = await db.select().from(landmarks).where(eq(landmarks.batchId, batch.id));
    // Two days of a clock running 24 times fast are 48 real days.
    expect(landmark!.facts).toMatchObject({ hours_in_stage: 2 * 24 * 24 });
    // Enrolled on Wednesday 1 July: 48 simulated days later is Tuesday 18 August (the wall clock says Friday 3 July).
    expect(landmark!.facts).toMatchObject({ day_of_week: 2, hour_of_day: 0, month: 8 });
  });

  it('flags the booking, proposes the earliest safe day and alerts the scheduler once; clears the flag when a moved booking is safe', async () => {
    const { sites, batch, input, activities } = await setup(24);
    const released = stateThrough(input, day(0), [['RELEASED', day(10)]]);
    const booked = await bookings.bookInfusion({ batchId: batch.id, siteId: sites.infusion, infusionDate: day(11), ldStart: day(10), timeScale: 24 });
    const flagged = await activities.forecastTurnaround({ state: released, at: day(10) });
    const safeFrom = iso(earliestSafeInfusion(Date.parse(flagged.infusionReady!.p90), input.profile, DAY_MS / 24));
    expect(flagged).toMatchObject({ atRisk: true, safeFrom });

    const booking = async () => (await db.select().from(infusionBookings).where(and(eq(infusionBookings.batchId, batch.id), eq(infusionBookings.state, 'active'))))[0]!;
    expect(await booking()).toMatchObject({ id: booked.bookingId, atRisk: true, safeFrom: new Date(safeFrom) });
    const raised = await db.select().from(alerts).where(eq(alerts.batchId, batch.id));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'booking-at-risk', severity: 'warning' });
    expect(raised[0]!.message).toContain(safeFrom);
    expect(raised[0]!.message).not.toContain(input.coiId);

    // Still at risk at the next landmark: the flag stays, no second alert.
    const inTransit = stateThrough(input, day(0), [['RELEASED', day(10)], ['RETURN_TRANSIT', day(10.1)]]);
    expect((await activities.forecastTurnaround({ state: inTransit, at: day(10.1) })).atRisk).toBe(true);
    expect(await db.select().from(alerts).where(eq(alerts.batchId, batch.id))).toHaveLength(1);

    // Moved to a day whose LD starts after P90: the next landmark judges the new booking safe.
    await bookings.bookInfusion({ batchId: batch.id, siteId: sites.infusion, infusionDate: day(30), ldStart: day(25), timeScale: 24 });
    const safe = await activities.forecastTurnaround({ state: inTransit, at: day(10.2) });
    expect(safe.atRisk).toBe(false);
    expect(await booking()).toMatchObject({ atRisk: false, safeFrom: null });

    // Moved back before P90: flagged at once against the latest forecast, with its own alert.
    const unsafe = await bookings.bookInfusion({ batchId: batch.id, siteId: sites.infusion, infusionDate: day(12), ldStart: day(10.1), timeScale: 24 });
    const latestP90 = Date.parse(safe.infusionReady!.p90);
    expect(await booking()).toMatchObject({ id: unsafe.bookingId, atRisk: true, safeFrom: new Date(earliestSafeInfusion(latestP90, input.profile, DAY_MS / 24)) });
    expect(await db.select().from(alerts).where(eq(alerts.batchId, batch.id))).toHaveLength(2);
  });
});
