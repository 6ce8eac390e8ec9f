import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { batches, commandTexts, infusionBookings } from '../../src/db/schema/index.js';
import { ERR } from '../../src/domain/errors.js';
import type { BatchStatus } from '../../workflows/messages.js';
import { validHandoff } from './offline-app.js';
import { addUser } from '../../src/api/auth/users.js';
import { stackApp } from './stack-app.js';
import { ADMIN, machineOf, userOf } from './tokens.js';

const { app, db, temporal, ids, identities, enrolled } = stackApp();
const post = (url: string, payload: object, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload, headers });
/** What the custody trail records for the default (admin) caller, whatever the body said. */
const adminActor = { name: ADMIN.name, role: ADMIN.role };
/** Who scans a collection (the apheresis centre's coordinator) and reports QC (the facility's QC laboratory): the table's parties. */
const collector = userOf('coordinator', [ids.apheresis], 'A. Nurse');
const qcLab = machineOf('qc-lab', [ids.facility]);
const as = async (principal: typeof collector) => ({ authorization: `Bearer ${await identities.tokenFor(principal)}` });

describe('commands on a batch', () => {
  it('runs a hand-off as the handoff update, keyed by the Idempotency-Key, and answers the stage', async () => {
    const { batchId, coiId } = await enrolled();
    temporal.updateAnswer = { stage: 'COLLECTED' };
    const body = { ...validHandoff, coiId };
    // Keys are global and kept: a fixed key would be another batch's on the next run against this database.
    const key = `scan-${batchId}`;
    const res = await post(`/v1/batches/${batchId}/handoffs`, body, { 'idempotency-key': key, ...(await as(collector)) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ stage: 'COLLECTED' });
    const actor = { name: collector.name, role: 'coordinator' };
    // The location stays in PostgreSQL (free text may name a patient); the update carries its reference.
    const { location, ...scanned } = body;
    const { locationRef } = temporal.calls[0]!.args[0] as { locationRef: { id: string; sha256: string } };
    expect(temporal.calls).toEqual([{ kind: 'update', workflowId: `batch:${batchId}`, name: 'handoff', args: [{ ...scanned, locationRef, actor }], options: { updateId: key } }]);
    const [row] = await db.select().from(commandTexts).where(eq(commandTexts.id, locationRef.id));
    expect(row).toMatchObject({ batchId, kind: 'handoff-location', body: location, sha256: locationRef.sha256 });
  });

  it('answers a COI mismatch raised by the workflow with 409 ERR_COI_MISMATCH and its sentence', async () => {
    const { batchId } = await enrolled();
    temporal.updateAnswer = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ type: ERR.COI_MISMATCH, message: 'The scanned COI id does not match this batch; nothing was advanced.', nonRetryable: true }),
    );
    const res = await post(`/v1/batches/${batchId}/handoffs`, { ...validHandoff, coiId: 'COI-WRON-GBAG-0000-0' }, await as(collector));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'ERR_COI_MISMATCH', message: 'The scanned COI id does not match this batch; nothing was advanced.' } });
  });

  it('answers 404 for an unknown batch without asking the workflow', async () => {
    const res = await post('/v1/batches/00000000-0000-4000-8000-000000000000/handoffs', validHandoff, await as(collector));
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ERR_NOT_FOUND');
    expect(temporal.calls).toEqual([]);
  });

  it('signals a milestone as reported by the caller and answers 202 with the batch location', async () => {
    const { batchId } = await enrolled();
    // A time the server's clock accepts: after the enrolment, not ahead of now (test/api/hardening.int.test.ts).
    const body = { milestone: 'qc-complete', at: new Date().toISOString(), source: 'qc-lims' };
    const res = await post(`/v1/batches/${batchId}/milestones`, body, await as(qcLab));
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(`/v1/batches/${batchId}`);
    const reported = { ...body, source: qcLab.name, actor: { name: qcLab.name, role: 'qc-lab' } };
    expect(res.json()).toMatchObject({ duplicate: false });
    expect(temporal.calls).toEqual([
      { kind: 'query', workflowId: `batch:${batchId}`, name: 'milestone-news', args: [reported] },
      { kind: 'signal', workflowId: `batch:${batchId}`, name: 'milestone', args: [reported] },
    ]);
  });

  it("signals only the keys the journey reads from a milestone's data, and keeps the whole data behind a reference", async () => {
    const { batchId } = await enrolled();
    const data = { passed: false, note: 'free text a partner wrote', lims: { sample: 'S-1' } };
    const body = { milestone: 'qc-complete', at: new Date().toISOString(), data };
    expect((await post(`/v1/batches/${batchId}/milestones`, body, await as(qcLab))).statusCode).toBe(202);
    const signal = temporal.calls.find((c) => c.kind === 'signal')!;
    const { dataRef, ...sent } = signal.args[0] as { dataRef: { id: string; sha256: string } };
    expect(sent).toEqual({ milestone: 'qc-complete', at: body.at, data: { passed: false }, source: qcLab.name, actor: { name: qcLab.name, role: 'qc-lab' } });
    const [row] = await db.select().from(commandTexts).where(eq(commandTexts.id, dataRef.id));
    expect(row).toMatchObject({ batchId, kind: 'milestone-data', sha256: dataRef.sha256 });
    expect(JSON.parse(row!.body)).toEqual(data);
  });

  it('acknowledges a milestone the batch already has (202, duplicate) without signalling, so its history does not grow', async () => {
    const { batchId } = await enrolled();
    temporal.milestoneNews = false;
    try {
      const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'qc-complete', at: new Date().toISOString(), source: 'qc-lims' }, await as(qcLab));
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ duplicate: true });
      expect(temporal.calls.map((c) => c.kind)).toEqual(['query']);
    } finally {
      temporal.milestoneNews = undefined;
    }
  });

  it('sends QA disposition, excursion assessment (with the excursion id from the path) and cancel as their updates', async () => {
    const { batchId } = await enrolled();
    const qaUser = await addUser(db, identities.stackRoot, { name: 'Q. A. Person', role: 'qa', sites: [ids.facility], signingPassword: 'correct horse battery' });
    const asQa = { authorization: `Bearer ${qaUser.token}` };
    const signer = { name: 'Q. A. Person', role: 'qa', userId: qaUser.id };
    temporal.updateAnswer = { stage: 'RELEASED' };
    const qa = { decision: 'release', meaning: 'released for infusion' };
    const assessment = { impact: 'none', meaning: 'no impact on product quality' };
    const cancel = { reason: 'patient withdrawn', actor: { name: 'Dr. Who', role: 'treating physician' } };
    expect((await post(`/v1/batches/${batchId}/qa-disposition`, { ...qa, signingPassword: 'correct horse battery' }, asQa)).statusCode).toBe(200);
    expect((await post(`/v1/batches/${batchId}/excursions/exc-7/assessment`, { ...assessment, signingPassword: 'correct horse battery' }, asQa)).statusCode).toBe(200);
    expect((await post(`/v1/batches/${batchId}/cancel`, cancel)).statusCode).toBe(200);
    // The password stops at the edge; the signer is the token's user, the actor the token's identity.
    // The signer's words, like the reason, stay in PostgreSQL: the updates carry their references.
    const ref = expect.objectContaining({ id: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(temporal.calls.map((c) => [c.name, c.args])).toEqual([
      ['qaDisposition', [{ decision: 'release', meaningRef: ref, signer }]],
      ['excursionAssessment', [{ impact: 'none', meaningRef: ref, signer, excursionId: 'exc-7' }]],
      ['cancel', [{ reasonRef: ref, actor: adminActor }]],
    ]);
    const texts = await Promise.all([0, 1].map(async (i) => {
      const { meaningRef } = temporal.calls[i]!.args[0] as { meaningRef: { id: string } };
      return (await db.select().from(commandTexts).where(eq(commandTexts.id, meaningRef.id)))[0];
    }));
    expect(texts).toMatchObject([{ batchId, kind: 'qa-meaning', body: qa.meaning }, { batchId, kind: 'assessment-meaning', body: assessment.meaning }]);
    // The reason stays in PostgreSQL; the update carries its reference, and a retry finds the same row.
    const { reasonRef } = temporal.calls[2]!.args[0] as { reasonRef: { id: string; sha256: string } };
    const [row] = await db.select().from(commandTexts).where(eq(commandTexts.id, reasonRef.id));
    expect(row).toMatchObject({ batchId, kind: 'cancel-reason', body: cancel.reason, sha256: reasonRef.sha256 });
    expect((await post(`/v1/batches/${batchId}/cancel`, cancel)).statusCode).toBe(200);
    expect(temporal.calls[3]!.args[0]).toEqual({ reasonRef, actor: adminActor });
  });

  it("keeps a rejection's reason behind its own reference, and a wrong signing password stores nothing", async () => {
    const { batchId } = await enrolled();
    const qaUser = await addUser(db, identities.stackRoot, { name: 'Q. A. Rejecter', role: 'qa', sites: [ids.facility], signingPassword: 'correct horse battery' });
    const asQa = { authorization: `Bearer ${qaUser.token}` };
    const reject = { decision: 'reject', meaning: 'rejected', reason: 'sterility test positive' };
    expect((await post(`/v1/batches/${batchId}/qa-disposition`, { ...reject, signingPassword: 'not the password' }, asQa)).statusCode).toBe(403);
    expect(await db.select().from(commandTexts).where(eq(commandTexts.batchId, batchId))).toEqual([]);
    expect((await post(`/v1/batches/${batchId}/qa-disposition`, { ...reject, signingPassword: 'correct horse battery' }, asQa)).statusCode).toBe(200);
    const { reasonRef } = temporal.calls.at(-1)!.args[0] as { reasonRef: { id: string } };
    const [row] = await db.select().from(commandTexts).where(eq(commandTexts.id, reasonRef.id));
    expect(row).toMatchObject({ batchId, kind: 'qa-reason', body: reject.reason });
  });
});

describe('infusion bookings', () => {
  it('books and cancels through the booking updates', async () => {
    const { batchId } = await enrolled();
    const booking = { infusionDate: '2026-03-10', ldStart: '2026-03-05', ldEnd: '2026-03-07', chair: 'chair-2' };
    temporal.updateAnswer = booking;
    const res = await post(`/v1/batches/${batchId}/infusion-booking`, { infusionDate: '2026-03-10' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(booking);
    temporal.updateAnswer = { stage: 'RECEIVED_AT_SITE' };
    const cancelled = await app.inject({ method: 'DELETE', url: `/v1/batches/${batchId}/infusion-booking` });
    expect(cancelled.statusCode).toBe(200);
    // The booking's payload (actor, chair day) is H2's routes/bookings.ts; here only that both ran.
    expect(temporal.calls.map((c) => c.name)).toEqual(['infusionBooking', 'cancelInfusionBooking']);
    expect(temporal.calls[0]!.args).toEqual([expect.objectContaining({ infusionDate: '2026-03-10' })]);
  });

  it("shows the site's chairs with their bookings in the batch's window", async () => {
    const { batchId, coiId } = await enrolled();
    const [other, later, arrived] = [await enrolled(), await enrolled(), await enrolled()];
    // No forecast follows the product's arrival, so a flag left from before is read as cleared.
    await db.update(batches).set({ stage: 'RECEIVED_AT_SITE' }).where(eq(batches.id, arrived.batchId));
    await db.insert(infusionBookings).values([
      { batchId: other.batchId, siteId: ids.treatment, chair: 'chair-3', during: '[2026-04-02T00:00Z,2026-04-03T00:00Z)', ldStart: new Date('2026-03-28T00:00Z'), atRisk: true },
      { batchId: arrived.batchId, siteId: ids.treatment, chair: 'chair-2', during: '[2026-04-05T00:00Z,2026-04-06T00:00Z)', ldStart: new Date('2026-03-31T00:00Z'), atRisk: true },
      // Outside the window: not shown.
      { batchId: later.batchId, siteId: ids.treatment, chair: 'chair-1', during: '[2026-06-01T00:00Z,2026-06-02T00:00Z)' },
    ]);
    const status: BatchStatus = {
      batchId, coiId, productId: ids.product, stage: 'RECEIVED_AT_SITE', attempt: 1,
      awaiting: { kind: 'infusion-booking', earliest: '2026-04-01T00:00:00.000Z', latest: '2026-04-15T00:00:00.000Z' },
      timeline: [], issues: [], shipments: [], quarantined: false,
    };
    temporal.status = status;
    const res = await app.inject({ method: 'GET', url: `/v1/sites/${ids.treatment}/infusion-slots?batchId=${batchId}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ siteId: ids.treatment, from: '2026-04-01T00:00:00.000Z', to: '2026-04-15T00:00:00.000Z', window: { earliest: '2026-04-01T00:00:00.000Z', latest: '2026-04-15T00:00:00.000Z' } });
    expect(body.chairs.map((c: { chair: string }) => c.chair)).toEqual(['chair-1', 'chair-2', 'chair-3', 'chair-4']);
    // Each booking carries its own at-risk flag (the worker's judgement), which the calendar shows on the chair.
    expect(body.chairs[2].bookings).toEqual([{ batchId: other.batchId, from: '2026-04-02T00:00:00.000Z', to: '2026-04-03T00:00:00.000Z', ldStart: '2026-03-28T00:00:00.000Z', atRisk: true }]);
    expect(body.chairs[1].bookings).toEqual([{ batchId: arrived.batchId, from: '2026-04-05T00:00:00.000Z', to: '2026-04-06T00:00:00.000Z', ldStart: '2026-03-31T00:00:00.000Z', atRisk: false }]);
    expect(body.chairs[0].bookings).toEqual([]);
  });

  it('answers 404 for an unknown site and 422 for a site that has no chairs', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/sites/nowhere/infusion-slots' })).statusCode).toBe(404);
    const facility = await app.inject({ method: 'GET', url: `/v1/sites/${ids.facility}/infusion-slots` });
    expect(facility.statusCode).toBe(422);
    expect(facility.json().error.details).toContainEqual(expect.objectContaining({ in: 'params', path: ['siteId'] }));
  });
});
