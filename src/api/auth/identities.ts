import { createDatabase } from '../../db/client.js';
import { issueLocalToken, type IssueOptions } from './local-keys.js';
import type { Principal } from './principal.js';
import { addUser, type NewUser } from './users.js';

/**
 * What a client of the running system may ask of auth, and nothing more: the identities an
 * identity provider and an administrator would hand it. The live driver (partners, gateways, the
 * demo's dashboard links) and the benches act through these, so the key files, the users table and
 * how a token is signed stay the auth module's own (a lint rule, `live-uses-auth-public-api`, holds
 * the live driver to it).
 */
export type { IssueOptions } from './local-keys.js';
export type { MachineRole, Principal, Role, UserRole } from './principal.js';
export type { NewUser } from './users.js';

/** A token for `principal`, signed with the stack's local key, which the API verifies against. */
export function issueToken(stackRoot: string, principal: Principal, options: IssueOptions = {}): Promise<string> {
  return issueLocalToken(stackRoot, principal, options);
}

/**
 * A user with a role and sites in the stack's users table (as `v2v users add` makes one), so its
 * signatures are checked like anyone's; answers its id and a token for it.
 */
export async function createUser(databaseUrl: string, stackRoot: string, user: NewUser, options: IssueOptions = {}): Promise<{ id: string; token: string }> {
  const { db, pool } = createDatabase(databaseUrl, { max: 1 });
  try {
    return await addUser(db, stackRoot, user, options);
  } finally {
    await pool.end();
  }
}
