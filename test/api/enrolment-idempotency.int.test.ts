import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { expireIdempotencyKeys, reconcileEnrolments } from '../../src/api/enrolment-reconciler.js';
import type { Config } from '../../src/config.js';
import { alerts, batches, batchStageHistory, collectionBookings, idempotencyKeys, pendingEnrolments, sites, slotChains } from '../../src/db/schema/index.js';
import { pino } from 'pino';
import { unique } from '../setup/services.js';
import { validHandoff } from './offline-app.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';

const { app, db, pool, temporal, config, ids, identities, enrolBody, enrolled } = stackApp();
/** Who enrols and scans a collection: staff of the hospital's apheresis and treatment centres (the domain's reporter table). */
const collector = userOf('coordinator', [ids.apheresis, ids.treatment]);
const asCollector = async (headers: Record<string, string>) => ({ ...headers, ...(await identities.bearer(collector)) });
const enrol = (payload: object, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url: '/v1/batches', payload, headers });
const keyed = (key: string) => ({ 'idempotency-key': key });
const rowsOf = async (patientRef: string) => db.select().from(batches).where(eq(batches.patientRef, patientRef));
const startsOf = (batchId: string) => temporal.calls.filter((c) => c.kind === 'start' && c.workflowId === `batch:${batchId}`);
/** The reconciler as a fresh API process would run it, with no grace period, so it sees every pending mark. */
const depsWith = (overrides: Partial<Config> = {}) => ({ temporal: temporal.client, db, pool, config: { ...config, ...overrides }, logger: pino({ level: 'silent' }), verifyToken: identities.verifyToken });
// A second ahead of now: a mark written a moment ago in the same millisecond (the database keeps microseconds) counts too.
const reconcile = (overrides: Partial<Config> = {}) => reconcileEnrolments(depsWith(overrides), { graceMs: 0, now: new Date(Date.now() + 1_000) });
const markOf = async (batchId: string) => (await db.select().from(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId)))[0];
const alertsOf = (batchId: string) => db.select().from(alerts).where(eq(alerts.batchId, batchId));

describe('POST /v1/batches with an Idempotency-Key', () => {
  it('answers a retry with the same key and body with the first answer, and enrols the patient once', async () => {
    const patientRef = unique('retried');
    const key = unique('enrol-key');
    const first = await enrol(enrolBody(patientRef), keyed(key));
    const again = await enrol(enrolBody(patientRef), keyed(key));
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await rowsOf(patientRef)).toHaveLength(1);
    expect(startsOf(first.json().batchId)).toHaveLength(1);
  });

  it('enrols once when the same key arrives twice at the same moment', async () => {
    const patientRef = unique('concurrent');
    const key = unique('enrol-key');
    const answers = await Promise.all([enrol(enrolBody(patientRef), keyed(key)), enrol(enrolBody(patientRef), keyed(key))]);
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201]);
    expect(answers[1]!.json().batchId).toBe(answers[0]!.json().batchId);
    expect(await rowsOf(patientRef)).toHaveLength(1);
  });

  it('refuses the same key with another body with 409 naming the rule, and stores nothing', async () => {
    const key = unique('enrol-key');
    expect((await enrol(enrolBody(), keyed(key))).statusCode).toBe(201);
    const otherRef = unique('other');
    const res = await enrol(enrolBody(otherRef), keyed(key));
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ERR_IDEMPOTENCY_KEY_CONFLICT', message: expect.stringContaining('different body') });
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'headers', path: ['idempotency-key'] }));
    expect(await rowsOf(otherRef)).toEqual([]);
  });

  it("refuses another caller's key with 409, without revealing the first answer", async () => {
    const key = unique('enrol-key');
    const body = enrolBody();
    const first = await enrol(body, keyed(key));
    const coordinator = userOf('coordinator', [ids.apheresis, ids.treatment, ids.facility]);
    const res = await enrol(body, { ...keyed(key), ...(await identities.bearer(coordinator)) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('another caller');
    expect(res.body).not.toContain(first.json().batchId);
  });

  it('refuses a key reused for another command or another batch with 422', async () => {
    const key = unique('enrol-key');
    const { batchId, coiId } = (await enrol(enrolBody(), await asCollector(keyed(key)))).json();
    const handoff = await app.inject({ method: 'POST', url: `/v1/batches/${batchId}/handoffs`, payload: { ...validHandoff, coiId }, headers: await asCollector(keyed(key)) });
    expect(handoff.statusCode).toBe(422);
    expect(handoff.json().error).toMatchObject({ code: 'ERR_IDEMPOTENCY_KEY_MISUSED', message: expect.stringContaining('POST /v1/batches') });
    expect(temporal.calls.filter((c) => c.kind === 'update')).toEqual([]);

    const scanKey = unique('scan-key');
    const one = await enrolled();
    const two = await enrolled();
    const scan = async (batch: { batchId: string; coiId: string }) =>
      app.inject({ method: 'POST', url: `/v1/batches/${batch.batchId}/handoffs`, payload: { ...validHandoff, coiId: batch.coiId }, headers: await asCollector(keyed(scanKey)) });
    expect((await scan(one)).statusCode).toBe(200);
    const onOther = await scan(two);
    expect(onOther.statusCode).toBe(422);
    expect(onOther.json().error.message).toContain(one.batchId);
  });

  it("refuses a command key reused by another caller on the same batch, instead of answering with the first caller's result", async () => {
    const { batchId, coiId } = await enrolled();
    const key = unique('scan-key');
    const body = { ...validHandoff, coiId };
    expect((await app.inject({ method: 'POST', url: `/v1/batches/${batchId}/handoffs`, payload: body, headers: await asCollector(keyed(key)) })).statusCode).toBe(200);
    const nurse = userOf('coordinator', [ids.apheresis]);
    const res = await app.inject({ method: 'POST', url: `/v1/batches/${batchId}/handoffs`, payload: body, headers: { ...keyed(key), ...(await identities.bearer(nurse)) } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ERR_IDEMPOTENCY_KEY_CONFLICT');
    expect(temporal.calls.filter((c) => c.kind === 'update')).toHaveLength(1);
  });

  it('refuses a NUL byte or an over-long key with 400 naming the header', async () => {
    for (const key of ['bad\u0000key', 'k'.repeat(201)]) {
      const res = await enrol(enrolBody(), keyed(key));
      expect(res.statusCode, key.slice(0, 10)).toBe(400);
      expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['idempotency-key'] }));
    }
  });
});

describe('enrolment is one outcome whatever fails between the row and the workflow', () => {
  it('when the start fails: 202, the batch stays pending, and a retry of the key starts it once', async () => {
    const patientRef = unique('start-failed');
    const key = unique('enrol-key');
    temporal.startError = new Error('temporal is down');
    const res = await enrol(enrolBody(patientRef), keyed(key)).finally(() => (temporal.startError = undefined));
    expect(res.statusCode).toBe(202);
    expect(res.body).not.toContain('temporal is down');
    const { batchId, started } = res.json();
    expect(started).toBe(false);
    expect(res.headers.location).toBe(`/v1/batches/${batchId}`);
    const [pending] = await db.select().from(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId));
    expect(pending).toMatchObject({ lastError: 'temporal is down' });

    const retry = await enrol(enrolBody(patientRef), keyed(key));
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ batchId, started: true });
    expect(await rowsOf(patientRef)).toHaveLength(1);
    expect(temporal.started.has(`batch:${batchId}`)).toBe(true);
    expect(await db.select().from(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId))).toEqual([]);
  });

  it('when the start happened but its answer was lost: the reconciler finds the workflow started and starts no second one', async () => {
    const patientRef = unique('answer-lost');
    temporal.startAnswerLost = new Error('deadline exceeded');
    const res = await enrol(enrolBody(patientRef)).finally(() => (temporal.startAnswerLost = undefined));
    expect(res.statusCode).toBe(202);
    const { batchId } = res.json();
    await reconcile();
    expect(startsOf(batchId)).toHaveLength(2);
    expect(temporal.started.has(`batch:${batchId}`)).toBe(true);
    expect(await db.select().from(pendingEnrolments).where(eq(pendingEnrolments.batchId, batchId))).toEqual([]);
    expect(await rowsOf(patientRef)).toHaveLength(1);
  });

  it('when the process died after the commit and before the start: the reconciler starts the stored input with the deterministic id', async () => {
    // What a kill between the transaction and the start leaves behind: the row and its pending mark.
    const patientRef = unique('killed');
    temporal.startError = new Error('process killed');
    const { batchId, coiId } = (await enrol(enrolBody(patientRef)).finally(() => (temporal.startError = undefined))).json();
    temporal.calls.length = 0;
    const outcome = await reconcile();
    expect(outcome.started).toBeGreaterThanOrEqual(1);
    expect(startsOf(batchId)).toEqual([
      expect.objectContaining({ name: 'batchWorkflow', args: [expect.objectContaining({ batchId, coiId, productId: ids.product })], options: expect.objectContaining({ workflowIdReusePolicy: 'REJECT_DUPLICATE' }) }),
    ]);
    expect(JSON.stringify(startsOf(batchId))).not.toContain(patientRef);
  });

  it('when the process died after the start and before clearing the mark: the reconciler clears it and starts nothing twice', async () => {
    const { batchId } = await enrolled();
    expect(temporal.started.has(`batch:${batchId}`)).toBe(true);
    await db.insert(pendingEnrolments).values({ batchId, input: { batchId } });
    await reconcile();
    expect(await db.select().from(pendingEnrolments).where(inArray(pendingEnrolments.batchId, [batchId]))).toEqual([]);
    expect(temporal.started.has(`batch:${batchId}`)).toBe(true);
  });
});

describe('the reconciler gives up an enrolment whose start keeps failing, and only when that is safe', () => {
  const bound = { V2V_ENROL_START_ATTEMPTS: 3 };

  it('cancels the batch with a critical alert once Temporal confirms it has no workflow, and every retry of the key says so with 409', async () => {
    const patientRef = unique('never-starts');
    const key = unique('enrol-key');
    // Room for a slot chain however many batches this file enrolled before (each holds a line for two weeks).
    await db.update(sites).set({ manufacturingLines: 100 }).where(eq(sites.id, ids.facility));
    await db.update(sites).set({ collectionsPerDay: 100 }).where(eq(sites.id, ids.apheresis));
    temporal.startError = new Error('payload refused');
    let batchId = '';
    try {
      const first = (await enrol(enrolBody(patientRef), keyed(key))).json();
      batchId = first.batchId;
      const { chain } = first;
      expect(chain).toMatchObject({ state: 'booked' });
      expect(await markOf(batchId)).toMatchObject({ startAttempts: 1 });
      await reconcile(bound);
      expect(await markOf(batchId)).toMatchObject({ startAttempts: 2 });
      expect((await rowsOf(patientRef))[0]!.stage).toBe('ORDERED');
      await reconcile(bound);

      expect(await markOf(batchId)).toBeUndefined();
      expect((await rowsOf(patientRef))[0]!.stage).toBe('CANCELLED');
      expect(await db.select().from(batchStageHistory).where(eq(batchStageHistory.batchId, batchId))).toEqual([expect.objectContaining({ stage: 'CANCELLED', previous: 'ORDERED' })]);
      expect(await alertsOf(batchId)).toEqual([
        expect.objectContaining({ kind: 'enrolment-abandoned', severity: 'critical', message: expect.stringContaining('after 3 attempts (last error: payload refused)') }),
      ]);
      expect(temporal.started.has(`batch:${batchId}`)).toBe(false);
      // Its slot chain went back to the next patient: no collection or line is held for a cancelled batch.
      expect(await db.select({ state: slotChains.state }).from(slotChains).where(eq(slotChains.batchId, batchId))).toEqual([{ state: 'released' }]);
      expect(await db.select().from(collectionBookings).where(and(eq(collectionBookings.batchId, batchId), eq(collectionBookings.state, 'active')))).toEqual([]);
    } finally {
      temporal.startError = undefined;
    }
    // Temporal works again: the key's retry still starts nothing and gets the same refusal each time.
    for (let i = 0; i < 2; i++) {
      const retry = await enrol(enrolBody(patientRef), keyed(key));
      expect(retry.statusCode).toBe(409);
      expect(retry.json().error).toMatchObject({ code: 'ERR_ENROLMENT_ABANDONED', message: expect.stringContaining('new key') });
    }
    // Its own starts only: the reconciler also tries other files' marks (a browser test's enrolment in flight, say).
    expect(startsOf(batchId)).toHaveLength(3);
    expect(await rowsOf(patientRef)).toHaveLength(1);
  });

  it('never gives up while Temporal cannot say whether the workflow exists: it stays pending with one "stuck" alert, then starts', async () => {
    const patientRef = unique('unsure');
    temporal.startError = new Error('unavailable');
    temporal.describeError = new Error('unavailable');
    let batchId = '';
    try {
      batchId = (await enrol(enrolBody(patientRef))).json().batchId;
      for (let i = 0; i < 4; i++) await reconcile(bound);
      expect(await markOf(batchId)).toMatchObject({ startAttempts: 5 });
      expect((await rowsOf(patientRef))[0]!.stage).toBe('ORDERED');
      expect(await alertsOf(batchId)).toEqual([expect.objectContaining({ kind: 'enrolment-stuck', severity: 'critical' })]);
    } finally {
      temporal.startError = undefined;
      temporal.describeError = undefined;
    }
    await reconcile(bound);
    expect(await markOf(batchId)).toBeUndefined();
    expect(temporal.started.has(`batch:${batchId}`)).toBe(true);
    expect((await rowsOf(patientRef))[0]!.stage).toBe('ORDERED');
  });

  it('settles as started, not cancelled, when a start whose answer was lost did make the workflow', async () => {
    const patientRef = unique('lost-then-down');
    temporal.startAnswerLost = new Error('deadline exceeded');
    const { batchId } = (await enrol(enrolBody(patientRef)).finally(() => (temporal.startAnswerLost = undefined))).json();
    await db.update(pendingEnrolments).set({ startAttempts: 3 }).where(eq(pendingEnrolments.batchId, batchId));
    temporal.startError = new Error('unavailable');
    await reconcile(bound).finally(() => (temporal.startError = undefined));
    expect(await markOf(batchId)).toBeUndefined();
    expect((await rowsOf(patientRef))[0]!.stage).toBe('ORDERED');
    expect(await alertsOf(batchId)).toEqual([]);
  });
});

describe('Idempotency-Keys expire after V2V_IDEMPOTENCY_KEY_HOURS', () => {
  it('deletes keys past the retention, keeps younger ones and the key of an enrolment still pending; a retry after expiry is a new request', async () => {
    const old = new Date(Date.now() - 25 * 3_600_000);
    const [expiredKey, freshKey, pendingKey] = [unique('old-key'), unique('fresh-key'), unique('pending-key')];
    const body = enrolBody();
    const first = await enrol(body, keyed(expiredKey));
    await enrol(enrolBody(), keyed(freshKey));
    temporal.startError = new Error('temporal is down');
    const pendingBody = enrolBody();
    const pending = (await enrol(pendingBody, keyed(pendingKey)).finally(() => (temporal.startError = undefined))).json();
    await db.update(idempotencyKeys).set({ createdAt: old }).where(inArray(idempotencyKeys.key, [expiredKey, pendingKey]));

    expect(await expireIdempotencyKeys(depsWith({ V2V_IDEMPOTENCY_KEY_HOURS: 24 }))).toBeGreaterThanOrEqual(1);
    const left = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(inArray(idempotencyKeys.key, [expiredKey, freshKey, pendingKey]));
    expect(left.map((k) => k.key).sort()).toEqual([freshKey, pendingKey].sort());

    const afterExpiry = await enrol(body, keyed(expiredKey));
    expect(afterExpiry.statusCode).toBe(201);
    expect(afterExpiry.json().batchId).not.toBe(first.json().batchId);
    expect((await enrol(pendingBody, keyed(pendingKey))).json().batchId).toBe(pending.batchId);
    expect(await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.key, pendingKey), eq(idempotencyKeys.batchId, pending.batchId)))).toHaveLength(1);
  });
});
