import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { checkedVerifier } from '../../src/api/auth/identity-state.js';
import { disableUser, enableUser, revokeSubjectTokens, revokeToken, tokenToRevoke } from '../../src/api/auth/revocation.js';
import { addUser } from '../../src/api/auth/users.js';
import { users } from '../../src/db/schema/index.js';
import { eq } from 'drizzle-orm';
import { stackApp } from './stack-app.js';
import { machineOf } from './tokens.js';

/**
 * Taking identities back, on the real database: the server's verifier (signature and lifetime, then
 * the token's state in PostgreSQL at every request) in an app of this file's own.
 */
const { db, pool, config, ids, identities, enrolled, temporal } = stackApp();
const app = buildApp({
  temporal: temporal.client, db, pool, config, logger: pino({ level: 'silent' }),
  verifyToken: checkedVerifier(identities.verifyToken, db), streamRecheckMs: 200,
});
let batchId: string;
let base: string;

beforeAll(async () => {
  ({ batchId } = await enrolled());
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

const coordinator = () => addUser(db, identities.stackRoot, { name: 'C. Oordinator', role: 'coordinator', sites: [ids.apheresis] });
const readBatch = (token: string) => app.inject({ method: 'GET', url: `/v1/batches/${batchId}/custody`, headers: { authorization: `Bearer ${token}` } });

describe('a disabled user', () => {
  it('gets 401 at the very next request with every token it holds, and is let in again when enabled', async () => {
    const user = await coordinator();
    const second = await identities.tokenFor({ subject: user.id, kind: 'user', name: 'C. Oordinator', role: 'coordinator', sites: [ids.apheresis] });
    expect((await readBatch(user.token)).statusCode).toBe(200);

    await disableUser(db, user.id);
    for (const token of [user.token, second]) {
      const res = await readBatch(token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toContain('disabled');
    }
    // Disabling twice changes nothing (the first instant is kept).
    const [before] = await db.select().from(users).where(eq(users.id, user.id));
    await disableUser(db, user.id);
    const [after] = await db.select().from(users).where(eq(users.id, user.id));
    expect(after!.disabledAt).toEqual(before!.disabledAt);

    await enableUser(db, user.id);
    expect((await readBatch(user.token)).statusCode).toBe(200);
  });
});

describe('a revoked token', () => {
  it('gets 401 at once while the same user’s other tokens still work; revoking again is harmless', async () => {
    const user = await coordinator();
    const other = await identities.tokenFor({ subject: user.id, kind: 'user', name: 'C. Oordinator', role: 'coordinator', sites: [ids.apheresis] });
    await revokeToken(db, tokenToRevoke(user.token), 'laptop stolen');
    await revokeToken(db, tokenToRevoke(user.token), 'laptop stolen, reported twice');
    const res = await readBatch(user.token);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: expect.any(String), message: expect.stringContaining('revoked') });
    expect((await readBatch(other)).statusCode).toBe(200);
  });

  it('refuses a reason with a NUL byte or of a huge size, naming the rule, and writes nothing', async () => {
    const user = await coordinator();
    await expect(revokeToken(db, tokenToRevoke(user.token), 'bad\u0000reason')).rejects.toThrow(/control characters/);
    await expect(revokeToken(db, tokenToRevoke(user.token), 'x'.repeat(100_000))).rejects.toThrow(/longer than 500/);
    expect((await readBatch(user.token)).statusCode).toBe(200);
  });

  it('of a partner system (no user row) by its subject: every token it holds now is refused', async () => {
    const courier = machineOf('courier', [ids.apheresis]);
    const token = await identities.tokenFor(courier);
    const read = () => app.inject({ method: 'GET', url: `/v1/batches/${batchId}/custody`, headers: { authorization: `Bearer ${token}` } });
    expect((await read()).statusCode).toBe(200);
    await revokeSubjectTokens(db, courier.subject, 'gateway key leaked');
    const res = await read();
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/Every token of this identity issued up to .* has been revoked/);
  });
});

describe('role and sites', () => {
  it('come from the user row, not the token: a site taken away is refused at the next request', async () => {
    const user = await coordinator();
    expect((await readBatch(user.token)).statusCode).toBe(200);
    await db.update(users).set({ sites: [ids.facility] }).where(eq(users.id, user.id));
    await db.update(users).set({ role: 'scheduler' }).where(eq(users.id, user.id));
    // A scheduler sees a batch through its treatment centre only, and the row's site is the facility.
    const res = await readBatch(user.token);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain(ids.facility);
  });
});

describe('an event stream', () => {
  /** Opens a stream and waits until it is live; answers what it said until the server ended it. */
  async function open(token: string): Promise<{ ended: Promise<string> }> {
    const res = await fetch(`${base}/v1/events?access_token=${token}`);
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': connected')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before it was live: ${text}`);
      text += value;
    }
    const rest = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += value;
      }
    };
    return { ended: rest() };
  }

  it('ends when its token is revoked', async () => {
    const user = await coordinator();
    const { ended } = await open(user.token);
    await revokeToken(db, tokenToRevoke(user.token), 'signed out everywhere');
    expect(await ended).toContain('This token has been revoked');
  });

  it('ends when its user is disabled', async () => {
    const user = await coordinator();
    const { ended } = await open(user.token);
    await disableUser(db, user.id);
    expect(await ended).toContain('disabled');
  });

  it('ends when its token expires', async () => {
    const user = await coordinator();
    const shortLived = await identities.tokenFor({ subject: user.id, kind: 'user', name: 'C. Oordinator', role: 'coordinator', sites: [ids.apheresis] }, { expiresIn: '2s' });
    expect(await (await open(shortLived)).ended).toMatch(/token expired|has expired/);
  });
});
