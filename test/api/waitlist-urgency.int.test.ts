import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/api/auth/users.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { custodyEvents, sites, urgencyAssessments } from '../../src/db/schema/index.js';
import { urgencySignatureHash } from '../../src/planning/waitlist/urgency.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';

/** The treating physician's urgency tier (the scheduler role for now): signed as QA signs, recorded in the batch's hash chain. */
const { app, db, pool, ids, identities, enrolled } = stackApp();
const PASSWORD = 'the physician signs with care';
const JUSTIFICATION = 'Rapidly progressing disease after bridging therapy; cannot wait for the next regular slot.';
let physician: { id: string; token: string };
let elsewhere: { id: string; token: string };
let batchId: string;

beforeAll(async () => {
  const otherCentre = unique('treatment');
  await db.insert(sites).values({ id: otherCentre, kind: 'treatment_center', name: 'Another cell therapy unit' });
  physician = await addUser(db, identities.stackRoot, { name: 'Dr. P. Hysician', role: 'scheduler', sites: [ids.treatment], signingPassword: PASSWORD });
  elsewhere = await addUser(db, identities.stackRoot, { name: 'Dr. E. Lsewhere', role: 'scheduler', sites: [otherCentre], signingPassword: PASSWORD });
  ({ batchId } = await enrolled());
});

const sign = (token: string, body: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/v1/batches/${batchId}/urgency`, headers: { authorization: `Bearer ${token}`, ...headers }, payload: body });
const assessmentsOf = () => db.select().from(urgencyAssessments).where(eq(urgencyAssessments.batchId, batchId));

describe('POST /v1/batches/{id}/urgency', () => {
  it('refuses a wrong signing password (403, counted) and stores nothing', async () => {
    const res = await sign(physician.token, { tier: 'urgent', justification: JUSTIFICATION, signingPassword: 'not my password' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ERR_SIGNATURE_REJECTED');
    expect(res.body).not.toContain('not my password');
    expect(await assessmentsOf()).toEqual([]);
  });

  it("refuses a scheduler of another treatment centre (403) before any password is checked", async () => {
    const res = await sign(elsewhere.token, { tier: 'critical', justification: JUSTIFICATION, signingPassword: PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ERR_FORBIDDEN');
    expect(await assessmentsOf()).toEqual([]);
  });

  it('refuses other roles: a coordinator does not set a clinical tier', async () => {
    const res = await app.inject({ method: 'POST', url: `/v1/batches/${batchId}/urgency`, payload: { tier: 'urgent', justification: JUSTIFICATION, signingPassword: PASSWORD } });
    expect(res.statusCode).toBe(403);
  });

  it('names the field and the rule of a bad body (400), nothing stored', async () => {
    const res = await sign(physician.token, { tier: 'very-urgent', justification: '', signingPassword: PASSWORD });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.map((d: { path: string[] }) => d.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['tier', 'justification']));
    expect(await assessmentsOf()).toEqual([]);
  });

  it('stores the signed tier, appends an "urgency" record to the batch\'s chain, and the chain still verifies', async () => {
    const res = await sign(physician.token, { tier: 'critical', justification: JUSTIFICATION, signingPassword: PASSWORD });
    expect(res.statusCode).toBe(201);
    const signed = res.json();
    expect(signed).toMatchObject({ batchId, tier: 'critical', signer: { name: 'Dr. P. Hysician', role: 'scheduler', userId: physician.id } });

    const [row] = await assessmentsOf();
    expect(row!.justification).toBe(JUSTIFICATION);
    // The hash is recomputable from the row: what was signed is what is stored.
    expect(urgencySignatureHash({
      batchId, tier: row!.tier, justification: row!.justification, signerSubject: row!.signerSubject, signerName: row!.signerName,
      signerRole: row!.signerRole, meaning: row!.meaning, signedAt: row!.signedAt.toISOString(),
    })).toBe(row!.signatureHash);

    const record = (await db.select().from(custodyEvents).where(eq(custodyEvents.batchId, batchId))).find((r) => r.kind === 'urgency');
    expect(record).toMatchObject({ kind: 'urgency', seq: row!.custodySeq, actorName: 'Dr. P. Hysician', actorRole: 'scheduler' });
    expect(record!.data).toMatchObject({ tier: 'critical', signatureHash: row!.signatureHash, userId: physician.id });
    // The clinical text stays out of the chain every batch reader sees.
    expect(JSON.stringify(record)).not.toContain('bridging therapy');

    expect((await verifyCustodyChains(pool, batchId)).breaks).toEqual([]);
    const custody = await app.inject({ method: 'GET', url: `/v1/batches/${batchId}/custody` });
    expect(custody.json().verification).toEqual({ verified: true });
    expect(custody.json().records.map((r: { kind: string }) => r.kind)).toContain('urgency');
  });

  it('a retry with the same Idempotency-Key returns the first signature instead of signing twice', async () => {
    const key = unique('key');
    const body = { tier: 'urgent', justification: JUSTIFICATION, signingPassword: PASSWORD };
    const first = await sign(physician.token, body, { 'idempotency-key': key });
    const again = await sign(physician.token, body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().assessmentId).toBe(first.json().assessmentId);
    expect((await assessmentsOf()).filter((a) => a.tier === 'urgent')).toHaveLength(1);
    expect((await verifyCustodyChains(pool, batchId)).breaks).toEqual([]);
  });

  it('keeps signed assessments append-only for the processes', async () => {
    await expect(db.update(urgencyAssessments).set({ tier: 'standard' }).where(eq(urgencyAssessments.batchId, batchId))).rejects.toThrow();
  });
});
