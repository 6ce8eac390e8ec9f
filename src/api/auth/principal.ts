import type { Actor } from '../../domain/commands.js';
import type { Role } from '../../domain/roles.js';

/** The roles are the domain's (src/domain/roles.ts); a principal's type names them. */
export type { MachineRole, Role, UserRole } from '../../domain/roles.js';

/**
 * Who is calling: people sign in with a role and the sites they work for; partner systems
 * (courier, manufacturing execution, QC laboratory) have machine identities limited to their
 * routes. One source for the token's claims, the route access table and the custody trail's actor.
 */
export interface Principal {
  /** The token's `sub`: a user id, or a machine identity's name. */
  subject: string;
  kind: 'user' | 'machine';
  /** Printed name, as the custody trail and a signature show it. */
  name: string;
  role: Role;
  /** Site ids the identity may act for; admin alone has none and sees every site. */
  sites: string[];
  /** The verified token it came from: what revocation and an event stream's end are decided on. */
  token?: TokenFacts;
}

export interface TokenFacts {
  jti?: string;
  /** `iat` and `exp` as epoch milliseconds. */
  issuedAt?: number;
  expiresAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every /v1 route; absent only on public routes. */
    principal?: Principal;
  }
}

/** The custody trail's actor for a call: whoever the token says, never what the body claims. */
export function actorOf(principal: Principal): Actor {
  return { name: principal.name, role: principal.role };
}
