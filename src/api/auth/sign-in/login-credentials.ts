import { eq } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { users, type UserRow } from '../../../db/schema/index.js';
import { hashSigningPassword } from '../signing-password.js';

/**
 * The embedded sign-in's credentials: a user name and a login password, set by an administrator
 * (`v2v users login`). The login password is hashed exactly as the signing password is (scrypt,
 * src/api/auth/signing-password.ts) but is a separate secret: Part 11 asks that a signature be
 * re-entered, and a login password typed every morning should not also be the one that signs.
 */
export const USERNAME_RULE = /^[a-z0-9][a-z0-9._@-]{1,63}$/;
export const USERNAME_RULE_TEXT = '2–64 characters: lower-case letters, digits and . _ @ -, starting with a letter or digit';
export const MIN_LOGIN_PASSWORD_LENGTH = 12;
export const MAX_LOGIN_PASSWORD_LENGTH = 1024;

/** A mistake in what an administrator asked for, named by its option. */
export class LoginInputError extends Error {
  override name = 'LoginInputError';
  constructor(
    readonly field: 'user' | 'username' | 'login-password',
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a login password is refused, or undefined when it is acceptable. */
export function loginPasswordProblem(password: string): string | undefined {
  if (password.length < MIN_LOGIN_PASSWORD_LENGTH) return `must have at least ${MIN_LOGIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_LOGIN_PASSWORD_LENGTH) return `must have at most ${MAX_LOGIN_PASSWORD_LENGTH} characters`;
  // NUL and other control characters cannot be typed into a password field; they are a paste or an attack.
  if (/\p{Cc}/u.test(password)) return 'must not contain control characters';
  return undefined;
}

/** Gives the user a user name and a login password; a new password also lifts a sign-in lock. */
export async function setLoginCredentials(db: Database, userId: string, username: string, password: string): Promise<UserRow> {
  if (!UUID.test(userId)) throw new LoginInputError('user', `--user "${userId}" is not a user id (a UUID).`);
  if (!USERNAME_RULE.test(username)) throw new LoginInputError('username', `--username must be ${USERNAME_RULE_TEXT}.`);
  const problem = loginPasswordProblem(password);
  if (problem) throw new LoginInputError('login-password', `The login password ${problem}.`);
  const loginPasswordHash = await hashSigningPassword(password);
  try {
    const [row] = await db.update(users).set({ username, loginPasswordHash, failedLogins: 0, loginLockedAt: null }).where(eq(users.id, userId)).returning();
    if (!row) throw new LoginInputError('user', `--user names no user: ${userId}.`);
    return row;
  } catch (err) {
    const cause = err instanceof DrizzleQueryError ? (err.cause as { code?: string; constraint?: string } | undefined) : undefined;
    if (cause?.code === '23505' && cause.constraint === 'users_username_key') {
      throw new LoginInputError('username', `--username "${username}" is already another user's.`);
    }
    throw err;
  }
}

/** Lifts a sign-in lock (`v2v users unlock` lifts both locks); the failures count from zero again. */
export async function unlockSignIn(db: Database, userId: string): Promise<void> {
  if (!UUID.test(userId)) return;
  await db.update(users).set({ failedLogins: 0, loginLockedAt: null }).where(eq(users.id, userId));
}
