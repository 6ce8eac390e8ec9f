import { execFileSync, spawnSync } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalKeys } from '../../src/api/auth/local-keys.js';
import { verifySigningPassword } from '../../src/api/auth/signing-password.js';
import { findUser } from '../../src/api/auth/users.js';
import { localTokenVerifier } from '../../src/api/auth/verifier.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { sites, users } from '../../src/db/schema/index.js';
import { stackPaths } from '../../src/stack/paths.js';
import { runV2v, V2V_BIN } from '../setup/cli.js';
import { stackConfig, unique } from '../setup/services.js';

/** `v2v users add|unlock` and `v2v token` as an administrator runs them against the stack. */
const config = stackConfig();
const site = unique('cli-treatment');
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 1 });

/** Verifies a printed token against the stack's local key set, as the API does. */
async function principalOf(token: string) {
  const { jwks } = await ensureLocalKeys(stackPaths(config).root);
  return localTokenVerifier(jwks)(token);
}

/** `v2v …` with stdin, answering its exit status and both outputs rather than throwing. */
function v2v(args: string[], input = '') {
  const run = spawnSync(process.execPath, [V2V_BIN, ...args], { input, encoding: 'utf8', env: process.env });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr };
}

beforeAll(async () => {
  await migrateDatabase(config.DATABASE_URL!);
  await db.insert(sites).values({ id: site, kind: 'treatment_center', name: 'CLI test unit' });
  return () => pool.end();
});

describe('v2v users add', () => {
  it('creates a user with its sites and prints a token the API accepts', async () => {
    const token = runV2v('users', 'add', '--name', 'T. Scheduler', '--role', 'scheduler', '--site', site).trim();
    const principal = await principalOf(token);
    expect(principal).toMatchObject({ kind: 'user', name: 'T. Scheduler', role: 'scheduler', sites: [site] });
    const user = await findUser(db, principal.subject);
    expect(user).toMatchObject({ name: 'T. Scheduler', role: 'scheduler', sites: [site], signingPasswordHash: null });
  });

  it('reads the signing password from stdin, never from argv, and stores only its scrypt hash', async () => {
    const added = v2v(['users', 'add', '--name', 'T. Quality', '--role', 'qa', '--site', site, '--signing-password-stdin'], 'a long signing secret\nignored line\n');
    expect(added.status, added.stderr).toBe(0);
    const user = await findUser(db, (await principalOf(added.stdout)).subject);
    expect(user!.signingPasswordHash).toMatch(/^scrypt\$/);
    expect(user!.signingPasswordHash).not.toContain('a long signing secret');
    expect(await verifySigningPassword('a long signing secret', user!.signingPasswordHash!)).toBe(true);
    expect(await verifySigningPassword('ignored line', user!.signingPasswordHash!)).toBe(false);
  });

  it('names --site when a site does not exist, and refuses an admin with a site', () => {
    const unknown = v2v(['users', 'add', '--name', 'X', '--role', 'coordinator', '--site', 'no-such-site']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('--site names no known site: no-such-site');
    const admin = v2v(['users', 'add', '--name', 'Root', '--role', 'admin', '--site', site]);
    expect(admin.status).not.toBe(0);
    expect(admin.stderr).toContain('An admin has no sites');
    const role = v2v(['users', 'add', '--name', 'X', '--role', 'superuser', '--site', site]);
    expect(role.stderr).toContain('--role');
  });
});

describe('v2v token', () => {
  it("prints a new token for a user, from the user's record", async () => {
    const first = runV2v('users', 'add', '--name', 'T. Coordinator', '--role', 'coordinator', '--site', site).trim();
    const { subject } = await principalOf(first);
    const again = runV2v('token', '--user', subject, '--expires', '1h').trim();
    expect(await principalOf(again)).toMatchObject({ subject, role: 'coordinator', sites: [site] });
  });

  it('prints a token for a partner system limited to its sites', async () => {
    const token = runV2v('token', '--machine', 'courier', '--site', site).trim();
    expect(await principalOf(token)).toMatchObject({ kind: 'machine', role: 'courier', sites: [site] });
    const missing = v2v(['token', '--machine', 'courier']);
    expect(missing.stderr).toContain('--site');
    const unknown = v2v(['token', '--machine', 'courier', '--site', 'no-such-site']);
    expect(unknown.stderr).toContain('--site names no known site');
  });
});

describe('token lifetimes and taking tokens back', () => {
  it('refuses --expires past the bound, naming the setting, and prints nothing', () => {
    const long = v2v(['token', '--machine', 'courier', '--site', site, '--expires', '90d']);
    expect(long.status).not.toBe(0);
    expect(long.stdout).toBe('');
    expect(long.stderr).toContain('V2V_AUTH_MACHINE_TOKEN_MAX_DAYS');
    const person = v2v(['users', 'add', '--name', 'T. Long', '--role', 'scheduler', '--site', site, '--expires', '12h']);
    expect(person.stderr).toContain('V2V_AUTH_USER_TOKEN_MAX_HOURS');
    // A command line cannot carry a NUL byte; a huge span is refused by its shape.
    expect(v2v(['token', '--machine', 'courier', '--site', site, '--expires', `${'9'.repeat(10_000)}h`]).stderr).toContain('--expires');
  });

  it('v2v users disable: the user is disabled (twice is harmless) and gets no new token', async () => {
    const { subject } = await principalOf(runV2v('users', 'add', '--name', 'T. Leaver', '--role', 'coordinator', '--site', site).trim());
    expect(runV2v('users', 'disable', subject)).toContain('T. Leaver (coordinator) is disabled');
    expect(runV2v('users', 'disable', '--user', subject)).toContain('is disabled');
    expect((await findUser(db, subject))!.disabledAt).not.toBeNull();
    expect(v2v(['token', '--user', subject]).stderr).toContain('is disabled');
    expect(v2v(['users', 'disable', 'not-a-uuid']).stderr).toContain('is not a user id');
  });

  it('v2v token revoke puts one token on the deny-list, or cuts off a subject', () => {
    const token = runV2v('token', '--machine', 'courier', '--site', site).trim();
    expect(runV2v('token', 'revoke', '--token', token, '--reason', 'test')).toMatch(/^token [0-9a-f-]{36} of courier@.* revoked/);
    expect(runV2v('token', 'revoke', '--subject', `courier@${site}`, '--reason', 'test')).toContain(`every token of courier@${site} issued up to`);
    expect(v2v(['token', 'revoke', '--subject', `courier@${site}`]).stderr).toContain('--reason');
  });
});

describe('v2v users unlock', () => {
  it('lifts a signing lock', async () => {
    const token = execFileSync(process.execPath, [V2V_BIN, 'users', 'add', '--name', 'T. Locked', '--role', 'qa', '--site', site, '--signing-password-stdin'], {
      input: 'locked signer secret\n', encoding: 'utf8',
    }).trim();
    const { subject } = await principalOf(token);
    await db.update(users).set({ failedSignatures: 3, lockedAt: new Date() }).where(eq(users.id, subject));
    expect(runV2v('users', 'unlock', '--user', subject)).toContain('T. Locked (qa) may sign again.');
    expect(await findUser(db, subject)).toMatchObject({ failedSignatures: 0, lockedAt: null });
  });
});

describe('v2v users login', () => {
  it('gives a user a user name and a login password from stdin (stored as a hash), and unlock lifts a sign-in lock', async () => {
    const { subject } = await principalOf(runV2v('users', 'add', '--name', 'T. Login', '--role', 'scheduler', '--site', site).trim());
    const username = unique('t.login').toLowerCase();
    const set = v2v(['users', 'login', '--user', subject, '--username', username, '--password-stdin'], 'a long login passphrase\n');
    expect(set.status, set.stderr).toBe(0);
    const user = await findUser(db, subject);
    expect(user!.username).toBe(username);
    expect(await verifySigningPassword('a long login passphrase', user!.loginPasswordHash!)).toBe(true);

    const taken = v2v(['users', 'login', '--user', subject, '--username', 'Not Valid', '--password-stdin'], 'a long login passphrase\n');
    expect(taken.status).not.toBe(0);
    expect(taken.stderr).toContain('--username must be');

    await db.update(users).set({ failedLogins: 5, loginLockedAt: new Date() }).where(eq(users.id, subject));
    expect(runV2v('users', 'unlock', '--user', subject)).toContain('sign-in with a user name and password is unlocked too');
    expect(await findUser(db, subject)).toMatchObject({ failedLogins: 0, loginLockedAt: null });
  });
});
