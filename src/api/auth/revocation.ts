import { eq, lt, sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import type { Database } from '../../db/client.js';
import { revokedTokens, subjectTokenCutoffs, users, type UserRow } from '../../db/schema/index.js';
import { UserInputError } from './users.js';

/**
 * Taking identities back (`v2v users disable`, `v2v token revoke`): each is one statement, and
 * identity-state.ts reads it at the next request. Repeating one changes nothing but its reason.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 500;

function checkedText(field: 'jti' | 'subject' | 'reason', value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new UserInputError('user', `--${field} must not be empty.`);
  if (trimmed.length > MAX_TEXT) throw new UserInputError('user', `--${field} is longer than ${MAX_TEXT} characters.`);
  // PostgreSQL refuses NUL in text; other control characters have no place in an id or a reason.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new UserInputError('user', `--${field} must not contain control characters.`);
  return trimmed;
}

/** Disables a user: its tokens get 401 from the next request and it can no longer sign. */
export async function disableUser(db: Database, id: string): Promise<UserRow> {
  if (!UUID.test(id)) throw new UserInputError('user', `--user "${id}" is not a user id (a UUID).`);
  const [row] = await db
    .update(users)
    .set({ disabledAt: sql`coalesce(${users.disabledAt}, now())` })
    .where(eq(users.id, id))
    .returning();
  if (!row) throw new UserInputError('user', `--user names no user: ${id}.`);
  return row;
}

/** Enables a disabled user again; tokens issued while it was disabled work, older ones too unless cut off. */
export async function enableUser(db: Database, id: string): Promise<UserRow> {
  if (!UUID.test(id)) throw new UserInputError('user', `--user "${id}" is not a user id (a UUID).`);
  const [row] = await db.update(users).set({ disabledAt: null }).where(eq(users.id, id)).returning();
  if (!row) throw new UserInputError('user', `--user names no user: ${id}.`);
  return row;
}

/** One token on the deny-list, by its jti, kept until the token would have expired anyway. */
export async function revokeToken(db: Database, token: { jti: string; subject: string; expiresAt: Date }, reason: string): Promise<void> {
  const jti = checkedText('jti', token.jti);
  const why = checkedText('reason', reason);
  await db
    .insert(revokedTokens)
    .values({ jti, subject: checkedText('subject', token.subject), expiresAt: token.expiresAt, reason: why })
    .onConflictDoUpdate({ target: revokedTokens.jti, set: { reason: why } });
  // What has expired needs no deny-list entry: the verifier refuses it by its exp.
  await db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, sql`now() - interval '1 day'`));
}

/** The facts of a token given to revoke it (its signature is not checked: revoking a forged token harms nobody). */
export function tokenToRevoke(token: string): { jti: string; subject: string; expiresAt: Date } {
  let claims;
  try {
    claims = decodeJwt(token.trim());
  } catch {
    throw new UserInputError('user', '--token is not a JWT.');
  }
  if (typeof claims.jti !== 'string' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
    throw new UserInputError('user', '--token has no jti, sub or exp: revoke its subject with --subject instead.');
  }
  return { jti: claims.jti, subject: claims.sub, expiresAt: new Date(claims.exp * 1000) };
}

/** Every token of a subject issued until now is refused; answers the cut-off instant. */
export async function revokeSubjectTokens(db: Database, subject: string, reason: string): Promise<Date> {
  const who = checkedText('subject', subject);
  const why = checkedText('reason', reason);
  const [row] = await db
    .insert(subjectTokenCutoffs)
    .values({ subject: who, notAfter: sql`now()`, reason: why })
    .onConflictDoUpdate({ target: subjectTokenCutoffs.subject, set: { notAfter: sql`now()`, reason: why } })
    .returning();
  return row!.notAfter;
}
