import type { Actor } from '../../domain/commands.js';

/**
 * Who is calling: people sign in with a role and the sites they work for; partner systems
 * (courier, manufacturing execution, QC laboratory) have machine identities limited to their
 * routes. One source for the token's claims, the route access table and the custody trail's actor.
 */
export const USER_ROLES = ['coordinator', 'scheduler', 'qa', 'gateway-admin', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const MACHINE_ROLES = ['courier', 'manufacturing', 'qc-lab'] as const;
export type MachineRole = (typeof MACHINE_ROLES)[number];

export const ROLES = [...USER_ROLES, ...MACHINE_ROLES] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The token's `sub`: a user id, or a machine identity's name. */
  subject: string;
  kind: 'user' | 'machine';
  /** Printed name, as the custody trail and a signature show it. */
  name: string;
  role: Role;
  /** Site ids the identity may act for; admin alone has none and sees every site. */
  sites: string[];
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
