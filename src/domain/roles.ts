/**
 * The roles V2V knows: people sign in with a user role; partner systems (courier, manufacturing
 * execution, QC laboratory) have machine identities. The token's claims, the route access table,
 * the users table and the CLI all take them from here.
 */
export const USER_ROLES = ['coordinator', 'scheduler', 'qa', 'gateway-admin', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const MACHINE_ROLES = ['courier', 'manufacturing', 'qc-lab'] as const;
export type MachineRole = (typeof MACHINE_ROLES)[number];

export const ROLES = [...USER_ROLES, ...MACHINE_ROLES] as const;
export type Role = (typeof ROLES)[number];
