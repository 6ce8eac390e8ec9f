import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import type { Role } from '../../domain/roles.js';
import { unauthenticated } from '../errors.js';
import type { Principal } from './principal.js';
import type { TokenVerifier } from './verifier.js';

/**
 * What a valid signature cannot say: whether the token was taken back since it was signed. Asked of
 * PostgreSQL at every request, in one statement (three primary-key look-ups), so a revocation or a
 * disabled user takes effect at the next request in every API process, with no cache to expire:
 *
 * - the token's `jti` is on the deny-list (`revoked_tokens`);
 * - its subject has a cut-off (`subject_token_cutoffs`) and the token was issued at or before it;
 * - its subject is a user row that is disabled; otherwise that row's name, role and sites replace
 *   the token's, so a changed role or site applies at once.
 *
 * Identities without a row (partner systems, and the development tokens `v2v token --machine` and
 * the demo print) keep their token's claims: they are revoked by `jti` or by subject.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface StateRow extends Record<string, unknown> {
  revoked: boolean;
  cutoff: Date | string | null;
  name: string | null;
  role: Role | null;
  sites: string[] | null;
  disabled_at: Date | string | null;
}

export async function currentIdentity(db: Database, principal: Principal): Promise<Principal> {
  const userId = principal.kind === 'user' && UUID.test(principal.subject) ? principal.subject : null;
  const { rows } = await db.execute<StateRow>(sql`
    select
      exists (select 1 from revoked_tokens where jti = ${principal.token?.jti ?? null}) as revoked,
      (select not_after from subject_token_cutoffs where subject = ${principal.subject}) as cutoff,
      u.name, u.role, u.sites, u.disabled_at
    from (select 1) as one
    left join users u on u.id = ${userId}::uuid`);
  const state = rows[0]!;
  if (state.revoked) throw unauthenticated('This token has been revoked; ask for a new one.', 'invalid_token');
  if (state.cutoff !== null) {
    const cutoff = new Date(state.cutoff).getTime();
    if ((principal.token?.issuedAt ?? 0) <= cutoff) {
      throw unauthenticated(`Every token of this identity issued up to ${new Date(cutoff).toISOString()} has been revoked; ask for a new one.`, 'invalid_token');
    }
  }
  if (state.role === null) return principal;
  if (state.disabled_at !== null) throw unauthenticated('This user is disabled; its tokens are no longer accepted.', 'invalid_token');
  return { ...principal, name: state.name!, role: state.role, sites: state.sites ?? [] };
}

/** A verifier that also refuses revoked tokens and disabled users, and reads a user's role and sites from its row. */
export function checkedVerifier(verify: TokenVerifier, db: Database): TokenVerifier {
  return async (token) => currentIdentity(db, await verify(token));
}
