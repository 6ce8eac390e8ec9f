import { and, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { sites as sitesTable, users, type UserRow } from '../../db/schema/index.js';
import { issueLocalToken, type IssueOptions } from './local-keys.js';
import type { UserRole } from '../../domain/roles.js';
import type { Principal } from './principal.js';
import { hashSigningPassword, MIN_SIGNING_PASSWORD_LENGTH } from './signing-password.js';

/** People: created by an administrator (`v2v users add`), each with a role and the sites they act for. */
export interface NewUser {
  name: string;
  role: UserRole;
  sites: string[];
  /** Needed only by those who sign (QA); without it the user cannot sign. */
  signingPassword?: string;
}

/** A mistake in what was asked (unknown site, admin with sites, short password), named by its option. */
export class UserInputError extends Error {
  override name = 'UserInputError';
  constructor(
    readonly field: 'name' | 'role' | 'site' | 'signing-password' | 'user',
    message: string,
  ) {
    super(message);
  }
}

export function principalOfUser(user: Pick<UserRow, 'id' | 'name' | 'role' | 'sites'>): Principal {
  return { subject: user.id, kind: 'user', name: user.name, role: user.role, sites: user.sites };
}

async function checkSites(db: Database, role: UserRole, siteIds: string[]): Promise<void> {
  if (role === 'admin') {
    if (siteIds.length > 0) throw new UserInputError('site', 'An admin has no sites (it sees every site): drop --site.');
    return;
  }
  if (siteIds.length === 0) throw new UserInputError('site', `A ${role} acts for at least one site: give --site <id>.`);
  const found = await db.select({ id: sitesTable.id }).from(sitesTable).where(inArray(sitesTable.id, siteIds));
  const missing = siteIds.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw new UserInputError('site', `--site names no known site: ${missing.join(', ')} (see GET /v1/sites).`);
}

/** Creates the user and a token for it, signed with the stack's local key. */
export async function addUser(
  db: Database,
  stackRoot: string,
  user: NewUser,
  tokenOptions: IssueOptions = {},
): Promise<{ id: string; token: string }> {
  const name = user.name.trim();
  if (name === '') throw new UserInputError('name', '--name must give the printed name a signature shows.');
  const sites = [...new Set(user.sites)];
  await checkSites(db, user.role, sites);
  if (user.signingPassword !== undefined && user.signingPassword.length < MIN_SIGNING_PASSWORD_LENGTH) {
    throw new UserInputError('signing-password', `The signing password must have at least ${MIN_SIGNING_PASSWORD_LENGTH} characters.`);
  }
  const signingPasswordHash = user.signingPassword === undefined ? null : await hashSigningPassword(user.signingPassword);
  const [row] = await db.insert(users).values({ name, role: user.role, sites, signingPasswordHash }).returning();
  const token = await issueLocalToken(stackRoot, principalOfUser(row!), tokenOptions);
  return { id: row!.id, token };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findUser(db: Database, id: string): Promise<UserRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/** Lifts a signing lock (`v2v users unlock`); the count of failures starts again from zero. */
export async function unlockUser(db: Database, id: string): Promise<UserRow> {
  if (!UUID.test(id)) throw new UserInputError('user', `--user "${id}" is not a user id (a UUID).`);
  const [row] = await db.update(users).set({ failedSignatures: 0, lockedAt: null }).where(eq(users.id, id)).returning();
  if (!row) throw new UserInputError('user', `--user names no user: ${id}.`);
  return row;
}

/**
 * The signing lock as conditional statements, so no check can be raced by its own update:
 *
 * 1. `claimSigningAttempt` counts the attempt as a failure *before* the password is compared, in the
 *    statement that checks the lock: at most `lockAfter` attempts are ever being compared at once, so
 *    200 parallel guesses get 3 comparisons, not 200. It answers the row (re-read: role, sites,
 *    name) or undefined when the signer is locked, disabled or already has `lockAfter` attempts out.
 * 2. The right password settles with `acceptSignature` (the count back to zero, only while still
 *    unlocked and enabled); a wrong one leaves its count and calls `lockIfExhausted`.
 *
 * A process that dies between 1 and 2 leaves its attempt counted as a failure: it fails closed.
 */
export async function claimSigningAttempt(db: Database, id: string, lockAfter: number): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ failedSignatures: sql`${users.failedSignatures} + 1`, signingClaimedAt: sql`now()` })
    .where(and(eq(users.id, id), isNull(users.lockedAt), isNull(users.disabledAt), lt(users.failedSignatures, lockAfter)))
    .returning();
  return row;
}

/** A verified signature: the consecutive failures start again from zero. False if locked or disabled meanwhile. */
export async function acceptSignature(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ failedSignatures: 0 })
    .where(and(eq(users.id, id), isNull(users.lockedAt), isNull(users.disabledAt)))
    .returning({ id: users.id });
  return rows.length === 1;
}

/**
 * Locks the signer once `lockAfter` failures (or attempts still out) are counted; answers the row
 * only to the one caller whose statement locked it, so exactly one alert is raised per lock.
 */
export async function lockIfExhausted(db: Database, id: string, lockAfter: number): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ lockedAt: sql`now()` })
    .where(and(eq(users.id, id), isNull(users.lockedAt), gte(users.failedSignatures, lockAfter)))
    .returning();
  return row;
}
