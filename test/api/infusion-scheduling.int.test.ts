import type { ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/api/auth/local-keys.js';
import type { Principal } from '../../src/api/auth/principal.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { judgeBooking } from '../../activities/forecast-risk.js';
import { infusionBookingActivities } from '../../activities/infusion-bookings.js';
import { alerts, custodyEvents, infusionBookings, sites } from '../../src/db/schema/index.js';
import { addDays, localDateOf } from '../../src/domain/calendar-day.js';
import { resolveBookingDay } from '../../src/domain/ld-window.js';
import { productProfile } from '../../src/domain/profiles.js';
import { earliestSafeDate } from '../../src/domain/safe-infusion.js';
import { stackPaths } from '../../src/stack/paths.js';
import { pollUntil } from '../../src/poll-until.js';
import { and, eq, like, sql } from 'drizzle-orm';
import { batchWorkflowId, handoffUpdate, milestoneSignal, qaDispositionUpdate, statusQuery, type BatchStatus } from '../../workflows/messages.js';
import { stackConfig, unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';
import { startWorkerProcess, stopWorkerProcess } from '../setup/v2v-process.js';

/**
 * Booking by calendar day on the real stack: the API in-process on the real clock (time scale 1),
 * `v2v worker` as a process, PostgreSQL deciding who gets a chair. Batches are driven to the
 * product's release through the workflow's own messages; the scheduler then works through the API.
 * The treatment centre is in Paris with two chairs, so a day fills up with three batches.
 */
const config = { ...stackConfig(), V2V_TIME_SCALE: 1 };
const ZONE = 'Europe/Paris';
const ids = { treatment: unique('paris-infusion'), apheresis: unique('apheresis'), facility: unique('facility') };
/** Enrols and withdraws test batches. */
const ADMIN: Principal = { subject: unique('admin'), kind: 'user', name: 'A. Dmin', role: 'admin', sites: [] };
/** Books, moves and cancels: the custody trail must name this caller. */
const SCHEDULER: Principal = { subject: unique('scheduler'), kind: 'user', name: 'S. Cheduler', role: 'scheduler', sites: [ids.treatment] };
const temporal = useTemporalClient();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
let worker: ChildProcess;
let server: ApiServer;
const tokens = { admin: '', scheduler: '' };

beforeAll(async () => {
  await db.insert(sites).values([
    { id: ids.treatment, kind: 'treatment_center', name: 'Paris cell therapy unit', timezone: ZONE, infusionChairs: 2 },
    { id: ids.apheresis, kind: 'apheresis_center', name: 'Paris apheresis unit', timezone: ZONE },
    { id: ids.facility, kind: 'manufacturing_facility', name: 'Test facility', manufacturingLines: 8 },
  ]);
  tokens.admin = await issueLocalToken(stackPaths(config).root, ADMIN, { expiresIn: '1h' });
  tokens.scheduler = await issueLocalToken(stackPaths(config).root, SCHEDULER, { expiresIn: '1h' });
  worker = await startWorkerProcess(1);
  server = await startApiServer({ config, logger: pino({ level: 'silent' }), port: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (worker) await stopWorkerProcess(worker);
  await pool.end();
});

/** A call as the scheduler, or as the admin for set-up (`as: 'admin'`). */
async function call(method: string, path: string, body?: unknown, as: keyof typeof tokens = 'scheduler') {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[as]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const handle = (batchId: string) => temporal.client.workflow.getHandle(batchWorkflowId(batchId));
const status = (batchId: string) => handle(batchId).query(statusQuery);

/** Answers what the batch awaits, as partners and QA would, until `stage`. */
async function driveTo(batchId: string, coiId: string, stage: BatchStatus['stage']): Promise<BatchStatus> {
  for (let i = 0; i < 200; i++) {
    const s = await status(batchId);
    if (s.stage === stage) return s;
    const a = s.awaiting;
    if (a?.kind === 'handoff') {
      const scan = { step: a.step, coiId, din: 'W123426000123', actor: { name: 'A. Courier', role: 'courier' }, location: `${a.step} desk` };
      await handle(batchId).executeUpdate(handoffUpdate, { args: [scan] });
    } else if (a?.kind === 'milestone') {
      await handle(batchId).signal(milestoneSignal, { milestone: a.milestone, at: new Date().toISOString(), source: 'test', ...(a.milestone === 'qc-complete' ? { data: { passed: true } } : {}) });
      await until(batchId, (n) => JSON.stringify(n.awaiting) !== JSON.stringify(a));
    } else if (a?.kind === 'qa-disposition') {
      await handle(batchId).executeUpdate(qaDispositionUpdate, { args: [{ decision: 'release', signer: { name: 'Q. Person', role: 'qualified person' }, meaning: 'released' }] });
    } else {
      throw new Error(`batch ${batchId} awaits ${JSON.stringify(a)} before ${stage}`);
    }
  }
  throw new Error(`batch ${batchId} did not reach ${stage}`);
}

function until(batchId: string, done: (s: BatchStatus) => boolean): Promise<BatchStatus> {
  return pollUntil(`batch ${batchId} to get there`, async () => {
    const s = await status(batchId);
    return done(s) && s;
  }, { timeoutMs: 20_000, intervalMs: 50 });
}

async function enrolledAt(stage: BatchStatus['stage']) {
  const res = await call('POST', '/v1/batches', {
    productId: 'autologous-bcma-cryo', apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, patientRef: unique('ref'),
  }, 'admin');
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const { batchId, coiId } = res.body as { batchId: string; coiId: string };
  await driveTo(batchId, coiId, stage);
  return { batchId, coiId };
}

const slots = (batchId: string) => call('GET', `/v1/sites/${ids.treatment}/infusion-slots?batchId=${batchId}`);
const custody = (batchId: string) => db.select().from(custodyEvents).where(eq(custodyEvents.batchId, batchId)).orderBy(custodyEvents.seq);
const chairBookingOf = (answer: { chairs: { bookings: { batchId: string; atRisk: boolean }[] }[] }, batchId: string) =>
  answer.chairs.flatMap((c) => c.bookings).find((b) => b.batchId === batchId);
type Day = { date: string; start: string; end: string; chairs: { total: number; free: number }; feasible: boolean; reasons: { code: string; message: string }[] };

describe('infusion scheduling by calendar day at a Paris treatment centre', () => {
  it('lists local days, books a feasible one for the local day, moves it and cancels it, each recorded as the caller', async () => {
    const { batchId } = await enrolledAt('RECEIVED_AT_SITE');
    const first = await slots(batchId);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.timeZone).toBe(ZONE);
    const days = first.body.days as Day[];
    const today = localDateOf(Date.now(), ZONE);
    // Paris midnights are 22:00 or 23:00 UTC the day before.
    expect(days[0]!.start).toMatch(/T2[23]:00:00\.000Z$/);
    const tooSoon = await call('GET', `/v1/sites/${ids.treatment}/infusion-slots?batchId=${batchId}&from=${today}&to=${addDays(today, 2)}`);
    expect((tooSoon.body.days as Day[])[0]).toMatchObject({ date: today, feasible: false });
    expect((tooSoon.body.days as Day[])[0]!.reasons.map((r) => r.code)).toContain('ld-start-passed');

    const feasible = days.filter((d) => d.feasible);
    expect(feasible.length).toBeGreaterThan(2);
    const [day, later] = [feasible[0]!, feasible[1]!];
    expect(day.chairs).toEqual({ total: 2, free: 2 });

    const booked = await call('POST', `/v1/batches/${batchId}/infusion-booking`, { infusionDate: day.date });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(booked.body).toMatchObject({ date: day.date, timeZone: ZONE, infusionDate: day.start, until: day.end });
    const [row] = await db.select({ chair: infusionBookings.chair }).from(infusionBookings).where(and(eq(infusionBookings.batchId, batchId), eq(infusionBookings.state, 'active')));
    expect(row?.chair).toBe(booked.body.chair);
    const after = (await slots(batchId)).body.days as Day[];
    expect(after.find((d) => d.date === day.date)!.chairs.free).toBe(1);

    const moved = await call('POST', `/v1/batches/${batchId}/infusion-booking`, { infusionDate: later.date });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const cancelled = await call('DELETE', `/v1/batches/${batchId}/infusion-booking`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.stage).toBe('RECEIVED_AT_SITE');
    const active = await db.select().from(infusionBookings).where(and(eq(infusionBookings.batchId, batchId), eq(infusionBookings.state, 'active')));
    expect(active).toHaveLength(0);

    const records = (await custody(batchId)).filter((r) => r.kind.startsWith('infusion-booking'));
    expect(records.map((r) => [r.kind, r.meaning, r.actorName])).toEqual([
      ['infusion-booking', 'infusion booked', 'S. Cheduler'],
      ['infusion-booking', `infusion moved from ${day.date} to ${later.date}`, 'S. Cheduler'],
      ['infusion-booking-cancelled', `infusion booking for ${later.date} cancelled; chair freed`, 'S. Cheduler'],
    ]);
    await call('POST', `/v1/batches/${batchId}/cancel`, { reason: 'test done' }, 'admin');
  }, 120_000);

  it('holds a chair for the whole local day, 23 hours on the spring change and 25 on the autumn one', async () => {
    const res = await call('POST', '/v1/batches', {
      productId: 'autologous-bcma-cryo', apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility, patientRef: unique('ref'),
    }, 'admin');
    const { batchId } = res.body as { batchId: string };
    const activities = infusionBookingActivities({ db, pool });
    const held = async (date: string) => {
      const day = resolveBookingDay(date, ZONE, productProfile('autologous-bcma-cryo'));
      await activities.bookInfusion({ batchId, siteId: ids.treatment, infusionDate: day.start, ldStart: day.ldStart, timeScale: 1 });
      const [row] = await db
        .select({ hours: sql<number>`extract(epoch from upper(${infusionBookings.during}) - lower(${infusionBookings.during})) / 3600` })
        .from(infusionBookings)
        .where(and(eq(infusionBookings.batchId, batchId), eq(infusionBookings.state, 'active')));
      return Number(row!.hours);
    };
    expect(await held('2027-03-28')).toBe(23);
    expect(await held('2027-10-31')).toBe(25);
    expect(await held('2027-11-02')).toBe(24);
    await activities.cancelInfusionBooking({ batchId });
    await call('POST', `/v1/batches/${batchId}/cancel`, { reason: 'test done' }, 'admin');
  });

  it('refuses a site whose time zone is not an IANA zone, naming it', async () => {
    const martian = unique('mars-infusion');
    await db.insert(sites).values({ id: martian, kind: 'treatment_center', name: 'Olympus unit', timezone: 'Mars/Olympus_Mons' });
    const res = await call('GET', `/v1/sites/${martian}/infusion-slots`, undefined, 'admin');
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('"Mars/Olympus_Mons", which is not an IANA time zone');
    expect(res.body.error.details[0]).toMatchObject({ in: 'params', path: ['siteId'], code: 'invalid_time_zone' });
  });

  it('refuses an infeasible day with the reason, and a date that does not exist naming the field', async () => {
    const { batchId } = await enrolledAt('RECEIVED_AT_SITE');
    const today = localDateOf(Date.now(), ZONE);
    const soon = await call('POST', `/v1/batches/${batchId}/infusion-booking`, { infusionDate: today });
    expect(soon.status).toBe(422);
    expect(soon.body.error.code).toBe('ERR_BOOKING_OUTSIDE_WINDOW');
    expect(soon.body.error.message).toMatch(/LD to start/);
    const bad = await call('POST', `/v1/batches/${batchId}/infusion-booking`, { infusionDate: '2027-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toEqual(['infusionDate']);
    await call('POST', `/v1/batches/${batchId}/cancel`, { reason: 'test done' }, 'admin');
  }, 120_000);

  it('gives a full day to two batches only: the database refuses the third chair (409) and the day shows no free chair', async () => {
    const batches = await Promise.all([enrolledAt('RECEIVED_AT_SITE'), enrolledAt('RECEIVED_AT_SITE'), enrolledAt('RECEIVED_AT_SITE')]);
    const day = ((await slots(batches[0]!.batchId)).body.days as Day[]).filter((d) => d.feasible)[1]!;
    const answers = await Promise.all(batches.map((b) => call('POST', `/v1/batches/${b.batchId}/infusion-booking`, { infusionDate: day.date })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error.code).toBe('ERR_SLOT_TAKEN');
    expect(refused.body.error.message).toContain(`${day.date} (${ZONE})`);
    const loser = batches[answers.indexOf(refused)]!;
    const full = ((await slots(loser.batchId)).body.days as Day[]).find((d) => d.date === day.date)!;
    expect(full.chairs.free).toBe(0);
    expect(full.reasons.map((r) => r.code)).toEqual(['no-free-chair']);
    // A batch asking for a named chair already taken that day is refused by the same constraint.
    const taken = answers.find((a) => a.status === 200)!.body.chair as string;
    const clash = await call('POST', `/v1/batches/${loser.batchId}/infusion-booking`, { infusionDate: day.date, chair: taken });
    expect(clash.status).toBe(409);
    for (const b of batches) await call('POST', `/v1/batches/${b.batchId}/cancel`, { reason: 'test done' }, 'admin');
  }, 180_000);

  it('shows a booking made before the product arrives as at risk, with the earliest safe alternatives', async () => {
    const { batchId } = await enrolledAt('RELEASED');
    const before = (await slots(batchId)).body;
    // The first day the LD rule allows starts LD before the product can be at the site.
    const early = (before.days as Day[]).find((d) => d.reasons.every((r) => r.code === 'product-not-ready'))!;
    expect(early, JSON.stringify(before.days)).toBeDefined();
    const booked = await call('POST', `/v1/batches/${batchId}/infusion-booking`, { infusionDate: early.date });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    const answer = (await slots(batchId)).body;
    expect(answer.atRisk, JSON.stringify({ early, forecast: (await status(batchId)).forecast, booked: booked.body })).toBe(true);
    expect(answer.alternatives.length).toBeGreaterThan(0);
    expect(answer.alternatives.length).toBeLessThanOrEqual(3);
    expect(answer.alternatives[0].date > early.date).toBe(true);
    for (const alt of answer.alternatives) expect((answer.days as Day[]).find((d) => d.date === alt.date)?.feasible ?? true).toBe(true);

    // A forecast that slips two days past the booked LD start raises the alert naming the earliest safe day with a chair.
    const readyP90 = Date.parse(booked.body.ldStart) + 2 * 86_400_000;
    const profile = productProfile('autologous-bcma-cryo');
    // The workflow's own forecast may have flagged the booking already (and alerted once): a judgement
    // with no P90 clears the flag, so this slip flags it anew.
    await db.transaction((tx) => judgeBooking(tx, { batchId, profile, timeScale: 1 }, undefined, unique('landmark')));
    const landmark = unique('landmark');
    await db.transaction((tx) => judgeBooking(tx, { batchId, profile, timeScale: 1 }, readyP90, landmark));
    const [alert] = await db.select().from(alerts).where(and(eq(alerts.batchId, batchId), like(alerts.key, `${landmark}:%`)));
    expect(alert?.message).toContain(`Earliest safe infusion day with a free chair: ${earliestSafeDate(readyP90, profile, ZONE)} (${ZONE}).`);
    // The calendar shows the flag on the booking's chair (for every batch's booking, not only the chosen one's).
    expect(chairBookingOf((await slots(batchId)).body, batchId)).toMatchObject({ atRisk: true });

    // Moved to the earliest safe alternative: judged against the latest forecast at once, no longer flagged
    // (the alert raised before stays in the alert list; the calendar does not read it).
    const moved = await call('POST', `/v1/batches/${batchId}/infusion-booking`, { infusionDate: answer.alternatives[0].date });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(chairBookingOf((await slots(batchId)).body, batchId)).toMatchObject({ atRisk: false });
    await call('POST', `/v1/batches/${batchId}/cancel`, { reason: 'test done' }, 'admin');
  }, 120_000);
});
