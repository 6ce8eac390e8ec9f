import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { batches, collectionBookings, manufacturingSlots, sites, slotChains } from '../../src/db/schema/index.js';
import { addDays, daysBetween, localDateOf, startOfDay } from '../../src/domain/calendar-day.js';
import { DAY_MS, HOUR_MS } from '../../src/domain/durations.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';

/**
 * The slot chain at enrolment through the API, on the real database (real clock, time scale 1):
 * the chains offered, who may ask, bad parameters, and enrolment booking a chain in one transaction.
 */
const { app, db, ids, identities, enrolBody } = stackApp();
/** A facility with one line: the last line, for the race. */
const oneLine = unique('one-line-facility');
/** A facility with no line at all: nothing fits, the patient waits. */
const noLine = unique('no-line-facility');

beforeAll(async () => {
  await db.insert(sites).values([
    { id: oneLine, kind: 'manufacturing_facility', name: 'One-line facility', manufacturingLines: 1 },
    { id: noLine, kind: 'manufacturing_facility', name: 'Closed facility', manufacturingLines: 0 },
  ]);
});

const chainsUrl = (extra: Record<string, string> = {}) =>
  `/v1/slot-chains?${new URLSearchParams({ productId: ids.product, treatmentCenterId: ids.treatment, apheresisCenterId: ids.apheresis, facilityId: ids.facility, ...extra })}`;

describe('GET /v1/slot-chains', () => {
  it('offers feasible chains, earliest infusion first, with the line window, the infusion window and a labelled forecast', async () => {
    const res = await app.inject({ method: 'GET', url: chainsUrl() });
    expect(res.statusCode, res.body).toBe(200);
    const { chains } = res.json();
    expect(chains.length).toBeGreaterThan(0);
    expect(chains.length).toBeLessThanOrEqual(20);
    const first = chains[0];
    const today = localDateOf(Date.now(), 'UTC');
    expect(first.collection.day >= today).toBe(true);
    // The fresh CD19 profile: a 20 h outbound leg (1 day), 11 days of manufacturing + 3 of QC, 24 h back, LD 3 + 2 days.
    expect(daysBetween(first.collection.day, first.manufacturing.lineStartDay)).toBe(1);
    expect(daysBetween(first.manufacturing.lineStartDay, first.manufacturing.lineEndDay)).toBe(14);
    expect(daysBetween(first.manufacturing.lineEndDay, first.infusion.earliestDay)).toBe(6);
    expect(daysBetween(first.infusion.earliestDay, first.infusion.latestDay)).toBe(25);
    expect(first.forecast.method).toBe('profile-nominal');
    const collected = startOfDay(first.collection.day, 'UTC');
    expect(Date.parse(first.forecast.release.p50) - collected).toBe(20 * HOUR_MS + 14 * DAY_MS);
    expect(Date.parse(first.forecast.release.p10)).toBeLessThan(Date.parse(first.forecast.release.p90));
    expect(Date.parse(first.forecast.infusionReady.p50)).toBeGreaterThan(Date.parse(first.forecast.release.p50));
    expect(first.enrolWith).toEqual({ collectionDay: first.collection.day, facilityId: ids.facility });
    const infusions = chains.map((c: { infusion: { earliestDay: string } }) => c.infusion.earliestDay);
    expect([...infusions].sort()).toEqual(infusions);
  });

  it('answers a scheduler at the treatment centre, and refuses one elsewhere (403)', async () => {
    const here = await app.inject({ method: 'GET', url: chainsUrl(), headers: await identities.bearer(userOf('scheduler', [ids.treatment])) });
    expect(here.statusCode).toBe(200);
    const elsewhere = await app.inject({ method: 'GET', url: chainsUrl(), headers: await identities.bearer(userOf('scheduler', [ids.apheresis])) });
    expect(elsewhere.statusCode).toBe(403);
    const qa = await app.inject({ method: 'GET', url: chainsUrl(), headers: await identities.bearer(userOf('qa', [ids.treatment])) });
    expect(qa.statusCode).toBe(403);
  });

  it.each([
    ['horizonDays', { horizonDays: '0' }],
    ['horizonDays', { horizonDays: 'soon' }],
    ['from', { from: '2031-02-30' }],
    ['facilityId', { facilityId: 'no spaces allowed' }],
  ])('refuses a bad %s with 400 naming the field', async (field, extra) => {
    const res = await app.inject({ method: 'GET', url: chainsUrl(extra) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string[] }) => d.path[0])).toContain(field);
  });

  it('refuses a site of the wrong kind with 422 naming the field', async () => {
    const res = await app.inject({ method: 'GET', url: chainsUrl({ treatmentCenterId: ids.apheresis }) });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details[0].path).toEqual(['treatmentCenterId']);
  });
});

const rowsOf = async (batchIds: string[]) => ({
  collections: await db.select().from(collectionBookings).where(inArray(collectionBookings.batchId, batchIds)),
  slots: await db.select().from(manufacturingSlots).where(inArray(manufacturingSlots.batchId, batchIds)),
  chains: await db.select().from(slotChains).where(inArray(slotChains.batchId, batchIds)),
});

describe('POST /v1/batches with a slot chain', () => {
  it('books the chosen chain with the batch: a collection slot, a line held ahead, the chain row v1', async () => {
    const offer = (await app.inject({ method: 'GET', url: chainsUrl() })).json().chains[2];
    // The chain names the facility: the body's own facilityId is left out (undefined is not serialised).
    const res = await app.inject({ method: 'POST', url: '/v1/batches', payload: { ...enrolBody(), facilityId: undefined, chain: offer.enrolWith } });
    expect(res.statusCode, res.body).toBe(201);
    const { batchId, chain, waitlisted } = res.json();
    expect(waitlisted).toBe(false);
    expect(chain).toMatchObject({ version: 1, state: 'booked', collectionDay: offer.collection.day, facilityId: ids.facility, lineStartDay: offer.manufacturing.lineStartDay, infusionDay: offer.infusion.earliestDay });
    const rows = await rowsOf([batchId]);
    expect(rows.collections).toMatchObject([{ siteId: ids.apheresis, day: offer.collection.day, state: 'active' }]);
    expect(rows.slots).toMatchObject([{ facilityId: ids.facility, state: 'reserved-ahead' }]);
    expect(rows.chains).toMatchObject([{ version: 1, reason: 'enrolment', state: 'booked' }]);
  });

  it('two enrolments racing for the last line: one 201, one 409, and the loser wrote nothing', async () => {
    const url = chainsUrl({ facilityId: oneLine, from: addDays(localDateOf(Date.now(), 'UTC'), 7) });
    const offer = (await app.inject({ method: 'GET', url })).json().chains[0];
    const bodies = [enrolBody(), enrolBody()].map(({ facilityId: _f, ...b }) => ({ ...b, chain: offer.enrolWith }));
    const answers = await Promise.all(bodies.map((payload) => app.inject({ method: 'POST', url: '/v1/batches', payload })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    const lost = answers.find((a) => a.statusCode === 409)!.json();
    expect(lost.error.code).toBe('ERR_CHAIN_UNAVAILABLE');
    const stored = await db.select({ id: batches.id, ref: batches.patientRef }).from(batches).where(inArray(batches.patientRef, bodies.map((b) => b.patientRef)));
    expect(stored).toHaveLength(1);
    const rows = await rowsOf([stored[0]!.id]);
    expect([rows.collections.length, rows.slots.length, rows.chains.length]).toEqual([1, 1, 1]);
  });

  it('without a chain books the earliest; when none fits the horizon the batch is enrolled waitlisted, holding nothing', async () => {
    const earliest = (await app.inject({ method: 'GET', url: chainsUrl() })).json().chains[0];
    const res = await app.inject({ method: 'POST', url: '/v1/batches', payload: enrolBody() });
    expect(res.statusCode).toBe(201);
    expect(res.json().chain.infusionDay >= earliest.infusion.earliestDay).toBe(true);

    const waiting = await app.inject({ method: 'POST', url: '/v1/batches', payload: { ...enrolBody(), facilityId: noLine } });
    expect(waiting.statusCode, waiting.body).toBe(201);
    expect(waiting.json()).toMatchObject({ chain: null, waitlisted: true });
    const rows = await rowsOf([waiting.json().batchId]);
    expect(rows).toEqual({ collections: [], slots: [], chains: [] });
    const [batch] = await db.select({ facilityId: batches.facilityId }).from(batches).where(eq(batches.id, waiting.json().batchId));
    expect(batch!.facilityId).toBe(noLine);
  });
});
