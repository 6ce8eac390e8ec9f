import { eq, inArray, sql } from 'drizzle-orm';
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

/** Counts a failed signature and locks the signer at the third in a row; answers the row after. */
export async function recordFailedSignature(db: Database, id: string, lockAfter: number): Promise<UserRow> {
  const [row] = await db
    .update(users)
    .set({
      failedSignatures: sql`${users.failedSignatures} + 1`,
      lockedAt: sql`case when ${users.failedSignatures} + 1 >= ${lockAfter} then coalesce(${users.lockedAt}, now()) else ${users.lockedAt} end`,
    })
    .where(eq(users.id, id))
    .returning();
  return row!;
}

export async function resetFailedSignatures(db: Database, id: string): Promise<void> {
  await db.update(users).set({ failedSignatures: 0 }).where(eq(users.id, id));
}
