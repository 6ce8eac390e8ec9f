import { Writable } from 'node:stream';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBatchActivities } from '../../activities/index.js';
import { buildApp } from '../../src/api/app.js';
import { addUser, findUser, unlockUser } from '../../src/api/auth/users.js';
import { verifyCustodyChains } from '../../src/db/audit.js';
import { alerts, custodyEvents } from '../../src/db/schema/index.js';
import { custodyRecordOf } from '../../src/domain/batch/custody.js';
import type { JourneyState } from '../../src/domain/batch/types.js';
import type { QaDispositionCommand } from '../../src/domain/commands.js';
import { recordingTemporal } from './recording-temporal.js';
import { stackApp } from './stack-app.js';
import { machineOf } from './tokens.js';

/** Part 11 signatures: the token's user signs, re-entering the signing password, three strikes lock. */
const { app, db, pool, config, temporal, ids, identities, enrolled } = stackApp();
const PASSWORDS = { alice: 'alice signs carefully', bob: 'bob has his own secret', carol: 'carol forgets often', dave: 'dave retries a lot' };
const qa: Record<keyof typeof PASSWORDS, { id: string; token: string }> = {} as never;
let batchId: string;

beforeAll(async () => {
  for (const [who, signingPassword] of Object.entries(PASSWORDS) as [keyof typeof PASSWORDS, string][]) {
    qa[who] = await addUser(db, identities.stackRoot, { name: `Q. A. ${who[0]!.toUpperCase()}${who.slice(1)}`, role: 'qa', sites: [ids.facility], signingPassword });
  }
  ({ batchId } = await enrolled());
});
beforeEach(() => {
  temporal.updateAnswer = { stage: 'RELEASED' };
});

const release = (who: keyof typeof PASSWORDS, signingPassword: string, extra: object = {}) =>
  app.inject({
    method: 'POST',
    url: `/v1/batches/${batchId}/qa-disposition`,
    headers: { authorization: `Bearer ${qa[who].token}` },
    payload: { decision: 'release', meaning: 'released for infusion', signingPassword, ...extra },
  });

describe('QA signatures', () => {
  it('is refused without the re-entered signing password (400 naming the field)', async () => {
    const res = await app.inject({
      method: 'POST', url: `/v1/batches/${batchId}/qa-disposition`, headers: { authorization: `Bearer ${qa.alice.token}` },
      payload: { decision: 'release', meaning: 'released for infusion' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['signingPassword'] }));
    expect(temporal.calls).toEqual([]);
  });

  it("is refused with someone else's password, and the refusal does not echo it", async () => {
    const res = await release('alice', PASSWORDS.bob);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ERR_SIGNATURE_REJECTED');
    expect(res.body).not.toContain(PASSWORDS.bob);
    expect(temporal.calls).toEqual([]);
    await unlockUser(db, qa.alice.id);
  });

  it('signs as the token’s user whatever signer the body names, and the password goes no further', async () => {
    const res = await release('alice', PASSWORDS.alice, { signer: { name: 'Q. A. Bob', role: 'qualified person' } });
    expect(res.statusCode).toBe(200);
    const [call] = temporal.calls;
    expect(call!.args).toEqual([{ decision: 'release', meaningRef: expect.objectContaining({ id: expect.any(String) }), signer: { name: 'Q. A. Alice', role: 'qa', userId: qa.alice.id } }]);
    expect(JSON.stringify(call)).not.toContain(PASSWORDS.alice);
  });

  it('locks the signer after three wrong passwords in a row, raises an alert, and stays locked until unlocked', async () => {
    const first = await release('carol', 'wrong one');
    expect(first.json().error).toEqual({ code: 'ERR_SIGNATURE_REJECTED', message: expect.stringContaining('2 attempts left') });
    expect((await release('carol', 'wrong two')).json().error.code).toBe('ERR_SIGNATURE_REJECTED');
    const third = await release('carol', 'wrong three');
    expect(third.statusCode).toBe(403);
    expect(third.json().error.code).toBe('ERR_SIGNER_LOCKED');

    const raised = await db.select().from(alerts).where(and(eq(alerts.kind, 'signer-locked'), eq(alerts.severity, 'critical')));
    const carolsAlert = raised.filter((a) => a.message.includes(qa.carol.id));
    expect(carolsAlert).toHaveLength(1);
    expect(carolsAlert[0]!.message).toContain('Q. A. Carol');
    expect(carolsAlert[0]!.message).not.toMatch(/wrong (one|two|three)|carol forgets/);

    // The right password no longer helps: locked is locked.
    expect((await release('carol', PASSWORDS.carol)).json().error.code).toBe('ERR_SIGNER_LOCKED');
    expect(temporal.calls).toEqual([]);
    await unlockUser(db, qa.carol.id);
    expect((await release('carol', PASSWORDS.carol)).statusCode).toBe(200);
  });

  it('counts only consecutive failures: a good signature resets the count', async () => {
    await release('dave', 'nope');
    await release('dave', 'nope again');
    expect((await release('dave', PASSWORDS.dave)).statusCode).toBe(200);
    expect((await findUser(db, qa.dave.id))!.failedSignatures).toBe(0);
    await release('dave', 'nope');
    const second = await release('dave', 'nope again');
    expect(second.json().error.code).toBe('ERR_SIGNATURE_REJECTED');
    expect((await findUser(db, qa.dave.id))!.lockedAt).toBeNull();
  });

  it('cannot be raced: 200 concurrent wrong passwords then the right one leave the signer locked, nothing signed, one alert', async () => {
    const eve = await addUser(db, identities.stackRoot, { name: 'Q. A. Eve', role: 'qa', sites: [ids.facility], signingPassword: 'eve is very patient' });
    const attempt = (signingPassword: string) =>
      app.inject({
        method: 'POST', url: `/v1/batches/${batchId}/qa-disposition`, headers: { authorization: `Bearer ${eve.token}` },
        payload: { decision: 'release', meaning: 'released for infusion', signingPassword },
      });
    const answers = await Promise.all([...Array.from({ length: 200 }, (_, i) => attempt(`guess number ${i}`)), attempt('eve is very patient')]);

    expect(answers.filter((a) => a.statusCode === 200)).toEqual([]);
    // The right password came while the guesses were being checked (busy) or after they had locked her.
    expect(['ERR_SIGNING_BUSY', 'ERR_SIGNER_LOCKED']).toContain(answers.at(-1)!.json().error.code);
    // At most three were ever compared; the others were turned away unread.
    const compared = answers.filter((a) => a.json().error.code === 'ERR_SIGNATURE_REJECTED' || a.json().error.message.startsWith('Wrong signing password'));
    expect(compared.length).toBeLessThanOrEqual(3);
    expect(temporal.calls).toEqual([]);
    expect((await findUser(db, eve.id))!.lockedAt).not.toBeNull();
    const raised = await db.select().from(alerts).where(eq(alerts.kind, 'signer-locked'));
    expect(raised.filter((a) => a.message.includes(eve.id))).toHaveLength(1);
    // Still locked for the right password afterwards, until an administrator unlocks.
    expect((await attempt('eve is very patient')).json().error.code).toBe('ERR_SIGNER_LOCKED');
  });

  it('lets a reviewer sign many at once with the right password: the extra ones are busy (503, Retry-After), never locked, and sign when sent again', async () => {
    const frank = await addUser(db, identities.stackRoot, { name: 'Q. A. Frank', role: 'qa', sites: [ids.facility], signingPassword: 'frank releases in bulk' });
    const sign = () =>
      app.inject({
        method: 'POST', url: `/v1/batches/${batchId}/qa-disposition`, headers: { authorization: `Bearer ${frank.token}` },
        payload: { decision: 'release', meaning: 'released for infusion', signingPassword: 'frank releases in bulk' },
      });
    const first = await Promise.all(Array.from({ length: 12 }, sign));
    const busy = first.filter((a) => a.statusCode === 503);
    // Twelve claims land long before the first scrypt comparison answers: some must have been turned away.
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) {
      expect(a.json().error.code).toBe('ERR_SIGNING_BUSY');
      expect(a.headers['retry-after']).toBe('1');
    }
    expect(first.filter((a) => a.statusCode !== 200 && a.statusCode !== 503)).toEqual([]);
    // Sent again one by one, as a client honouring Retry-After does: every one signs.
    for (let i = 0; i < busy.length; i++) expect((await sign()).statusCode).toBe(200);
    expect(temporal.calls.filter((c) => JSON.stringify(c.args).includes(frank.id))).toHaveLength(12);
    const after = (await findUser(db, frank.id))!;
    expect({ lockedAt: after.lockedAt, failedSignatures: after.failedSignatures }).toEqual({ lockedAt: null, failedSignatures: 0 });
  });

  it("asks the signer's password for an excursion assessment too", async () => {
    const res = await app.inject({
      method: 'POST', url: `/v1/batches/${batchId}/excursions/exc-9/assessment`, headers: { authorization: `Bearer ${qa.bob.token}` },
      payload: { impact: 'none', meaning: 'no impact on product quality', signingPassword: PASSWORDS.alice },
    });
    expect(res.json().error.code).toBe('ERR_SIGNATURE_REJECTED');
    await unlockUser(db, qa.bob.id);
  });
});

describe('the signed custody record', () => {
  it('shows printed name, role, date and time and meaning, links the signer, and verifies in the hash chain', async () => {
    const { batchId: signed } = await enrolled();
    const res = await app.inject({
      method: 'POST', url: `/v1/batches/${signed}/qa-disposition`, headers: { authorization: `Bearer ${qa.alice.token}` },
      payload: { decision: 'release', meaning: 'released: batch record reviewed', signingPassword: PASSWORDS.alice },
    });
    expect(res.statusCode).toBe(200);
    // What the workflow would record from the update it received (the recording stand-in runs no workflow).
    const decision = temporal.calls[0]!.args[0] as QaDispositionCommand;
    const record = custodyRecordOf({ type: 'qa-disposed', decision, at: '2026-02-02T09:30:00.000Z' }, {} as JourneyState)!;
    await createBatchActivities({ db, pool }).appendCustodyRecord({ key: `${signed}:custody:1`, batchId: signed, ...record });

    const [row] = await db.select().from(custodyEvents).where(eq(custodyEvents.batchId, signed));
    expect(row).toMatchObject({ kind: 'qa-disposition', actorName: 'Q. A. Alice', actorRole: 'qa', meaning: 'released for infusion' });
    expect(row!.occurredAt.toISOString()).toBe('2026-02-02T09:30:00.000Z');
    // The signer's words are a stored text the record references; the record's meaning is the decision's.
    expect(row!.data).toEqual({ decision: 'release', meaningRef: decision.meaningRef, signature: { userId: qa.alice.id, method: 'signing-password' } });
    expect(JSON.stringify(row)).not.toContain(PASSWORDS.alice);
    expect((await verifyCustodyChains(pool, signed)).breaks).toEqual([]);

    temporal.status = new WorkflowNotFoundError('gone', `batch:${signed}`, undefined);
    const detail = await app.inject({ method: 'GET', url: `/v1/batches/${signed}` });
    expect(detail.json().custody[0]).toMatchObject({ kind: 'qa-disposition', actor: { name: 'Q. A. Alice', role: 'qa' }, meaning: 'released for infusion', occurredAt: '2026-02-02T09:30:00.000Z' });
    const trail = await app.inject({ method: 'GET', url: `/v1/batches/${signed}/custody`, headers: { authorization: `Bearer ${qa.alice.token}` } });
    expect(trail.json().records[0]).toMatchObject({ meaning: 'released for infusion', texts: { meaning: 'released: batch record reviewed' } });
  });
});

describe('what the logs keep', () => {
  it('never the signing password, the token or the patient reference', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    const logged = buildApp({ temporal: recordingTemporal().client, db, pool, config, logger: pino({ level: 'debug' }, sink), verifyToken: identities.verifyToken });
    await logged.inject({
      method: 'POST', url: `/v1/batches/${batchId}/qa-disposition`, headers: { authorization: `Bearer ${qa.bob.token}` },
      payload: { decision: 'release', meaning: 'released', signingPassword: 'a wrong secret to spot' },
    });
    await unlockUser(db, qa.bob.id);
    // A partner system's token in the event stream's query: refused (403), but its URL is logged.
    const machineToken = await identities.tokenFor(machineOf('courier', [ids.apheresis]));
    expect((await logged.inject({ method: 'GET', url: `/v1/events?access_token=${machineToken}` })).statusCode).toBe(403);
    const enrol = await logged.inject({
      method: 'POST', url: '/v1/batches', headers: { authorization: `Bearer ${qa.bob.token}` },
      payload: { productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, patientRef: 'PATIENT-REF-TO-SPOT' },
    });
    expect(enrol.statusCode).toBe(403);
    await logged.close();
    const log = lines.join('');
    expect(log).toContain('qa-disposition');
    expect(log).not.toContain('a wrong secret to spot');
    expect(log).not.toContain(qa.bob.token);
    expect(log).not.toContain(machineToken);
    expect(log).toContain('access_token=[redacted]');
    expect(log).not.toContain('PATIENT-REF-TO-SPOT');
  });
});
