import { and, eq, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { HOUR_MS, MINUTE_MS } from '../../../domain/durations.js';
import { alerts, users } from '../../../db/schema/index.js';
import type { Logger } from '../../../logging.js';
import { ApiError } from '../../errors.js';
import { issueLocalToken } from '../local-keys.js';
import { hashSigningPassword, verifySigningPassword } from '../signing-password.js';
import { principalOfUser } from '../users.js';

/**
 * The embedded sign-in (no identity provider): a user name and a login password give a session,
 * a token signed with the stack's local key that the API verifies like any other and that expires
 * after V2V_SIGN_IN_SESSION. Too many wrong passwords in a row lock sign-in until an administrator
 * unlocks the user.
 *
 * The lock is one conditional statement, not a check then a count: an attempt first takes one of
 * the user's remaining tries (`failed_logins + 1 where failed_logins < limit`), and gives it back
 * only when its password verifies. Parallel wrong passwords therefore cannot get more than `limit`
 * password checks between two successful sign-ins, however many arrive at once.
 */
export const SIGN_IN_ERR = {
  /** 401: unknown user name or wrong login password (deliberately one answer for both). */
  REJECTED: 'ERR_SIGN_IN_REJECTED',
  /** 403: too many wrong login passwords in a row; an administrator must unlock the user. */
  LOCKED: 'ERR_SIGN_IN_LOCKED',
  /** 409: this installation signs in through its identity provider, not with a password. */
  ELSEWHERE: 'ERR_SIGN_IN_ELSEWHERE',
} as const;

export interface PasswordSignInDeps {
  db: Database;
  logger: Logger;
  stackRoot: string;
  /** Wrong passwords in a row before the lock. */
  attempts: number;
  /** The session's lifetime, a span like 8h or 30m. */
  session: string;
}

export interface SignedIn {
  token: string;
  expiresAt?: Date;
}

const rejected = () => new ApiError(401, SIGN_IN_ERR.REJECTED, 'The user name or the password is wrong.');
const locked = () =>
  new ApiError(403, SIGN_IN_ERR.LOCKED, 'Sign-in is locked for this user after repeated wrong passwords; an administrator must unlock it (v2v users unlock).');

/** A hash nobody knows the password of, so an unknown user name costs the same scrypt as a known one. */
let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= hashSigningPassword(`decoy-${Math.random()}-${Date.now()}`));

export function sessionMilliseconds(span: string): number {
  const match = /^(\d+)([mh])$/.exec(span);
  if (!match) throw new Error(`not a session span: ${span}`);
  return Number(match[1]) * (match[2] === 'h' ? HOUR_MS : MINUTE_MS);
}

export async function signInWithPassword(deps: PasswordSignInDeps, username: string, password: string): Promise<SignedIn> {
  // One try taken, atomically: no row when the user is unknown, disabled, has no login password, is
  // locked, or has as many attempts in flight as it has tries left.
  const [taken] = await deps.db
    .update(users)
    .set({ failedLogins: sql`${users.failedLogins} + 1` })
    .where(and(eq(users.username, username), isNull(users.disabledAt), isNotNull(users.loginPasswordHash), isNull(users.loginLockedAt), lt(users.failedLogins, deps.attempts)))
    .returning();
  if (!taken) {
    const [row] = await deps.db.select({ loginLockedAt: users.loginLockedAt, failedLogins: users.failedLogins }).from(users).where(eq(users.username, username));
    if (row && (row.loginLockedAt || row.failedLogins >= deps.attempts)) throw locked();
    await verifySigningPassword(password, await decoyHash());
    throw rejected();
  }

  if (!(await verifySigningPassword(password, taken.loginPasswordHash!))) {
    const [nowLocked] = await deps.db
      .update(users)
      .set({ loginLockedAt: sql`now()` })
      .where(and(eq(users.id, taken.id), gte(users.failedLogins, deps.attempts), isNull(users.loginLockedAt)))
      .returning();
    if (nowLocked) {
      await raiseLockAlert(deps, nowLocked.id, nowLocked.name, nowLocked.role, nowLocked.loginLockedAt!);
      throw locked();
    }
    deps.logger.info({ userId: taken.id }, 'sign-in refused: wrong password');
    throw rejected();
  }

  // The try is given back, unless a parallel wrong password locked the user meanwhile.
  const [user] = await deps.db
    .update(users)
    .set({ failedLogins: 0 })
    .where(and(eq(users.id, taken.id), isNull(users.loginLockedAt)))
    .returning();
  if (!user) throw locked();
  const expiresAt = new Date(Date.now() + sessionMilliseconds(deps.session));
  const token = await issueLocalToken(deps.stackRoot, principalOfUser(user), { expiresIn: deps.session });
  deps.logger.info({ userId: user.id, role: user.role }, 'signed in with a password');
  return { token, expiresAt };
}

async function raiseLockAlert(deps: PasswordSignInDeps, userId: string, name: string, role: string, lockedAt: Date) {
  await deps.db
    .insert(alerts)
    .values({
      key: `sign-in-locked:${userId}:${lockedAt.toISOString()}`,
      severity: 'warning',
      kind: 'sign-in-locked',
      message: `Sign-in of ${name} (${role}) is locked after ${deps.attempts} wrong passwords in a row; unlock with v2v users unlock --user ${userId}.`,
    })
    .onConflictDoNothing();
  deps.logger.warn({ userId }, 'sign-in locked after repeated wrong passwords');
}
