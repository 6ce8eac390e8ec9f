import { eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ensureLocalKeys } from '../../src/api/auth/local-keys.js';
import { disableUser, enableUser } from '../../src/api/auth/revocation.js';
import { LoginInputError, setLoginCredentials, unlockSignIn } from '../../src/api/auth/sign-in/login-credentials.js';
import { addUser } from '../../src/api/auth/users.js';
import { localTokenVerifier } from '../../src/api/auth/verifier.js';
import type { Config } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { alerts, sites, users } from '../../src/db/schema/index.js';
import { stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';
import { recordingTemporal } from './recording-temporal.js';

/**
 * The dashboard's embedded sign-in (no identity provider) on the stack's real PostgreSQL: a user
 * name and login password give a session token the API verifies like any other; wrong passwords
 * lock, atomically, however many arrive at once.
 */
const base = stackConfig();
const ATTEMPTS = 5;
const config: Config = { ...base, V2V_SIGN_IN_ATTEMPTS: ATTEMPTS, V2V_SIGN_IN_SESSION: '30m' };
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 12 });
const root = stackPaths(config).root;
const site = unique('signin-treatment');
const PASSWORD = 'a long login passphrase';

let app: ReturnType<typeof buildApp>;
let verify: ReturnType<typeof localTokenVerifier>;

beforeAll(async () => {
  await migrateDatabase(config.DATABASE_URL!);
  await db.insert(sites).values({ id: site, kind: 'treatment_center', name: 'Sign-in test unit' });
  verify = localTokenVerifier((await ensureLocalKeys(root)).jwks);
  app = buildApp({ temporal: recordingTemporal().client, db, pool, config, logger: pino({ level: 'silent' }), verifyToken: verify });
});
afterAll(async () => {
  await app.close();
  await pool.end();
});

/** A scheduler with a login, as `v2v users add` then `v2v users login` make one. */
async function person(name = 'S. Ign') {
  const { id } = await addUser(db, root, { name, role: 'scheduler', sites: [site] });
  const username = unique('user').toLowerCase();
  await setLoginCredentials(db, id, username, PASSWORD);
  return { id, username };
}

const signIn = (body: unknown) => app.inject({ method: 'POST', url: '/auth/sign-in', payload: body as object });
const lockAlerts = (id: string) =>
  db.select().from(alerts).where(eq(alerts.kind, 'sign-in-locked')).then((rows) => rows.filter((r) => r.key.startsWith(`sign-in-locked:${id}:`)));

describe('sign-in with a user name and password', () => {
  it('answers a session token for the user row, which the API accepts, expiring after the configured span and never cached', async () => {
    const { id, username } = await person();
    const res = await signIn({ username, password: PASSWORD });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token, expiresAt } = res.json<{ token: string; expiresAt: string }>();
    expect(await verify(token)).toMatchObject({ subject: id, kind: 'user', name: 'S. Ign', role: 'scheduler', sites: [site] });
    const { exp, iat } = decodeJwt(token);
    expect(exp! - iat!).toBe(30 * 60);
    expect(Math.abs(new Date(expiresAt).getTime() - exp! * 1000)).toBeLessThan(5_000);
    const alertsAnswer = await app.inject({ method: 'GET', url: '/v1/alerts', headers: { authorization: `Bearer ${token}` } });
    expect(alertsAnswer.statusCode).toBe(200);
  });

  it('gives one answer for an unknown user name, a wrong password and a user without a login password', async () => {
    const { username } = await person();
    const { id: noLogin } = await addUser(db, root, { name: 'N. Ologin', role: 'scheduler', sites: [site] });
    const answers = await Promise.all([
      signIn({ username: 'nobody-here', password: PASSWORD }),
      signIn({ username, password: 'not the passphrase' }),
      signIn({ username: noLogin, password: PASSWORD }),
    ]);
    for (const res of answers) expect(res.statusCode).toBe(401);
    expect(answers[0]!.json()).toEqual(answers[1]!.json());
    expect(answers[2]!.json()).toEqual(answers[1]!.json());
    expect(answers[0]!.json()).toEqual({ error: { code: 'ERR_SIGN_IN_REJECTED', message: 'The user name or the password is wrong.' } });
  });

  it('refuses a disabled user with the right password, as it refuses a wrong one, and signs in again once enabled', async () => {
    const { id, username } = await person();
    await disableUser(db, id);
    const refused = await signIn({ username, password: PASSWORD });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ error: { code: 'ERR_SIGN_IN_REJECTED', message: 'The user name or the password is wrong.' } });
    await enableUser(db, id);
    expect((await signIn({ username, password: PASSWORD })).statusCode).toBe(200);
  });

  it('refuses a NUL byte, a huge value and an unknown field, naming the field and the rule, and counts nothing', async () => {
    const { id, username } = await person();
    const cases = [
      { body: { username, password: `${PASSWORD}\u0000` }, field: 'password', rule: 'control characters' },
      { body: { username: `${username}\u0000`, password: PASSWORD }, field: 'username', rule: 'lower-case letters' },
      { body: { username, password: 'x'.repeat(5000) }, field: 'password', rule: '1024' },
      { body: { username: 'u'.repeat(500), password: PASSWORD }, field: 'username', rule: '64' },
      { body: { username, password: PASSWORD, role: 'admin' }, field: '', rule: 'role' },
    ];
    for (const { body, field, rule } of cases) {
      const res = await signIn(body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      const error = res.json<{ error: { code: string; message: string } }>().error;
      expect(error.code).toBe('ERR_VALIDATION');
      expect(error.message).toContain(field);
      expect(error.message).toContain(rule);
    }
    const huge = await signIn({ username, password: 'x'.repeat(100_000) });
    expect(huge.statusCode).toBe(413);
    const [row] = await db.select().from(users).where(eq(users.id, id));
    expect(row!.failedLogins).toBe(0);
    expect((await signIn({ username, password: PASSWORD })).statusCode).toBe(200);
  });

  it('signs in again and again (each its own session) and a success clears the failures before it', async () => {
    const { id, username } = await person();
    for (let i = 0; i < ATTEMPTS - 1; i++) expect((await signIn({ username, password: 'wrong again' })).statusCode).toBe(401);
    const first = await signIn({ username, password: PASSWORD });
    const second = await signIn({ username, password: PASSWORD });
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    const [row] = await db.select().from(users).where(eq(users.id, id));
    expect(row!.failedLogins).toBe(0);
    expect(row!.loginLockedAt).toBeNull();
  });

  it(`locks after ${ATTEMPTS} wrong passwords in a row, refuses the right one then, alerts once, and an unlock lifts it`, async () => {
    const { id, username } = await person();
    const statuses = [];
    for (let i = 0; i < ATTEMPTS; i++) statuses.push((await signIn({ username, password: 'wrong' })).statusCode);
    expect(statuses).toEqual([...Array<number>(ATTEMPTS - 1).fill(401), 403]);
    const right = await signIn({ username, password: PASSWORD });
    expect(right.statusCode).toBe(403);
    expect(right.json<{ error: { code: string } }>().error.code).toBe('ERR_SIGN_IN_LOCKED');
    expect(await lockAlerts(id)).toHaveLength(1);
    await unlockSignIn(db, id);
    expect((await signIn({ username, password: PASSWORD })).statusCode).toBe(200);
  });

  it('200 wrong passwords at once, then the right one: locked, at most the allowed tries checked, no session', async () => {
    const { id, username } = await person();
    const answers = await Promise.all(Array.from({ length: 200 }, () => signIn({ username, password: 'parallel guess' })));
    const count = (status: number) => answers.filter((a) => a.statusCode === status).length;
    expect(count(200)).toBe(0);
    expect(count(401) + count(403)).toBe(200);
    // Only ATTEMPTS tries could be taken; the one that saw the limit locked, so fewer than ATTEMPTS were plain refusals.
    expect(count(401)).toBeLessThan(ATTEMPTS);
    const right = await signIn({ username, password: PASSWORD });
    expect(right.statusCode).toBe(403);
    const [row] = await db.select().from(users).where(eq(users.id, id));
    expect(row!.failedLogins).toBe(ATTEMPTS);
    expect(row!.loginLockedAt).not.toBeNull();
    expect(await lockAlerts(id)).toHaveLength(1);
  });

  it('refuses the password route when an identity provider is configured (the wrong door)', async () => {
    const withProvider = buildApp({
      temporal: recordingTemporal().client,
      db,
      pool,
      config: { ...config, V2V_AUTH_JWKS_URL: 'https://login.example.org/jwks', V2V_AUTH_ISSUER: 'https://login.example.org/', V2V_AUTH_AUDIENCE: 'v2v-api' },
      logger: pino({ level: 'silent' }),
      verifyToken: verify,
    });
    const { username } = await person();
    const res = await withProvider.inject({ method: 'POST', url: '/auth/sign-in', payload: { username, password: PASSWORD } });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('ERR_SIGN_IN_ELSEWHERE');
    expect((await withProvider.inject({ method: 'GET', url: '/auth/config' })).statusCode).toBe(200);
    await withProvider.close();
  });

  it('tells the dashboard to show the password form when no provider is configured', async () => {
    const res = await app.inject({ method: 'GET', url: '/auth/config' });
    expect(res.json()).toEqual({ method: 'password' });
  });
});

describe('v2v users login (the credentials)', () => {
  it('refuses a user name already taken, a bad user name and a short or NUL-bearing password, naming the option', async () => {
    const { username } = await person();
    const { id } = await addUser(db, root, { name: 'O. Ther', role: 'scheduler', sites: [site] });
    const attempt = (name: string, password: string) => setLoginCredentials(db, id, name, password).then(() => undefined, (err: unknown) => err);
    const taken = await attempt(username, PASSWORD);
    expect(taken).toBeInstanceOf(LoginInputError);
    expect(taken).toMatchObject({ field: 'username', message: expect.stringContaining('already') });
    expect(await attempt('Bad Name', PASSWORD)).toMatchObject({ field: 'username' });
    expect(await attempt(unique('ok').toLowerCase(), 'short')).toMatchObject({ field: 'login-password' });
    expect(await attempt(unique('ok').toLowerCase(), `${PASSWORD}\u0000`)).toMatchObject({ field: 'login-password', message: expect.stringContaining('control') });
    const [row] = await db.select().from(users).where(eq(users.id, id));
    expect(row!.username).toBeNull();
  });
});
