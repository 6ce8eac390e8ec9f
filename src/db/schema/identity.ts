import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { USER_ROLES } from '../../domain/roles.js';
import { at, createdAt } from './columns.js';

/**
 * People who sign in (machines have no row: their tokens name a role and sites only, and are taken
 * back through token_revocations and subject_token_cutoffs below). The signing
 * password is Part 11's second component of an electronic signature (§11.200): re-entered at each
 * signing, stored as a scrypt hash whose string carries its salt and parameters. Three failed
 * signatures in a row lock the signer until an administrator unlocks them.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The printed name a signature shows (§11.50). */
    name: text('name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    sites: text('sites').array().notNull().default([]),
    signingPasswordHash: text('signing_password_hash'),
    failedSignatures: integer('failed_signatures').notNull().default(0),
    lockedAt: at('locked_at'),
    /** When the last signing attempt was counted: attempts counted within a minute may still be being compared (src/api/auth/signatures.ts). */
    signingClaimedAt: at('signing_claimed_at'),
    /** Set by `v2v users disable`: every token of the user is refused from then on, and it cannot sign. */
    disabledAt: at('disabled_at'),
    /**
     * Sign-in to the dashboard without an identity provider (src/api/auth/sign-in/): a user name
     * and a login password, hashed as the signing password is but a separate secret, so a leaked
     * login password alone cannot sign. Failures count atomically; too many lock sign-in.
     */
    username: text('username'),
    loginPasswordHash: text('login_password_hash'),
    failedLogins: integer('failed_logins').notNull().default(0),
    loginLockedAt: at('login_locked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_username_key').on(t.username)],
);

export type UserRow = typeof users.$inferSelect;

/**
 * Single tokens taken back before their `exp` (`v2v token revoke --jti`): a deny-list by the token's
 * `jti`. A row may be deleted once `expires_at` has passed, since the token is refused by then anyway.
 */
export const revokedTokens = pgTable(
  'revoked_tokens',
  {
    jti: text('jti').primaryKey(),
    subject: text('subject').notNull(),
    expiresAt: at('expires_at').notNull(),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('revoked_tokens_expires_at_idx').on(t.expiresAt)],
);

/**
 * Every token of one subject issued at or before `not_after` is refused (`v2v token revoke
 * --subject`): how a machine identity, which has no users row, or a user's stolen tokens are taken
 * back all at once; tokens issued later work again.
 */
export const subjectTokenCutoffs = pgTable('subject_token_cutoffs', {
  subject: text('subject').primaryKey(),
  notAfter: at('not_after').notNull(),
  reason: text('reason').notNull(),
  createdAt: createdAt(),
});
