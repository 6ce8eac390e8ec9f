import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { ensureLocalKeys, issueLocalToken, type IssueOptions } from '../../src/api/auth/local-keys.js';
import type { Principal } from '../../src/api/auth/principal.js';
import type { MachineRole, UserRole } from '../../src/domain/roles.js';
import { localTokenVerifier, type TokenVerifier } from '../../src/api/auth/verifier.js';
import type { ApiApp } from '../../src/api/app.js';

/**
 * A key set of the test's own, in a temporary directory (its "stack root"), and tokens signed with
 * it for any identity: the app under test trusts exactly this key set, as the server trusts its
 * configured one.
 */
export function testIdentities() {
  const stackRoot = mkdtempSync(path.join(tmpdir(), 'v2v-test-keys-'));
  const keys = ensureLocalKeys(stackRoot);
  const verifier = keys.then(({ jwks }) => localTokenVerifier(jwks));
  const verifyToken: TokenVerifier = async (token) => (await verifier)(token);
  const tokenFor = async (principal: Principal, options?: IssueOptions) => {
    await keys;
    return issueLocalToken(stackRoot, principal, options);
  };
  const bearer = async (principal: Principal, options?: IssueOptions) => ({ authorization: `Bearer ${await tokenFor(principal, options)}` });
  return { stackRoot, verifyToken, tokenFor, bearer };
}
export type TestIdentities = ReturnType<typeof testIdentities>;

export const ADMIN: Principal = { subject: 'test-admin', kind: 'user', name: 'Test Admin', role: 'admin', sites: [] };

export const userOf = (role: UserRole, sites: string[], name = `Test ${role}`): Principal => ({ subject: randomUUID(), kind: 'user', name, role, sites });
export const machineOf = (role: MachineRole, sites: string[]): Principal => ({ subject: `${role}@${sites.join('+')}`, kind: 'machine', name: `${role} system`, role, sites });

/**
 * The app's inject, sending `principal`'s token unless a request names its own authorization
 * header (an empty one: no token at all): the tests written before access control act as admin;
 * the access tests pass their own.
 */
export function injectAs(app: ApiApp, identities: TestIdentities, principal: Principal) {
  const inject = app.inject.bind(app);
  return async (options: InjectOptions) => {
    const headers = options.headers ?? {};
    if ('authorization' in headers) {
      // An empty authorization header means "send none": the way to test an anonymous call.
      const { authorization, ...others } = headers;
      return inject({ ...options, headers: authorization ? headers : others });
    }
    return inject({ ...options, headers: { ...(await identities.bearer(principal)), ...headers } });
  };
}

/** Lets the earlier tests keep calling `app.inject(...)`, as admin by default (see injectAs). */
export function withDefaultIdentity(app: ApiApp, identities: TestIdentities, principal: Principal = ADMIN): ApiApp {
  app.inject = injectAs(app, identities, principal) as unknown as ApiApp['inject'];
  return app;
}
