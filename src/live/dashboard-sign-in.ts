import { issueToken } from '../api/auth/identities.js';
import type { LiveIdentities, LiveSites } from './identities.js';

/** The roles a newcomer can look at the dashboard as, in the order the demo prints them. */
export const SIGN_IN_ROLES = ['coordinator', 'scheduler', 'qa', 'gateway-admin', 'admin'] as const;
export type SignInRole = (typeof SIGN_IN_ROLES)[number];

/**
 * A ready-made sign-in link per role: the dashboard reads the token from the URL's fragment (never
 * sent to the server, nor kept in its logs). The coordinator and scheduler shown are people of every
 * hospital, so the board is full; QA is the run's own QA user (it signs with the run's password),
 * the gateway administrator and the admin are the run's.
 */
export async function dashboardSignIns(o: { apiUrl: string; stackRoot: string; sites: LiveSites; identities: LiveIdentities; run: string }): Promise<Record<SignInRole, string>> {
  const hospitals = [...o.sites.apheresis, ...o.sites.treatment];
  const person = (role: 'coordinator' | 'scheduler', name: string, sites: string[]) =>
    issueToken(o.stackRoot, { subject: `${o.run}-dashboard-${role}`, kind: 'user', name, role, sites });
  const tokens: Record<SignInRole, string> = {
    coordinator: await person('coordinator', `coordinator, every hospital (${o.run})`, hospitals),
    scheduler: await person('scheduler', `scheduler, every treatment centre (${o.run})`, [...o.sites.treatment]),
    qa: o.identities.qa.token,
    'gateway-admin': o.identities.gatewayAdmin.token,
    admin: o.identities.admin.token,
  };
  const link = (token: string) => `${o.apiUrl.replace(/\/$/, '')}/#token=${token}`;
  return Object.fromEntries(SIGN_IN_ROLES.map((role) => [role, link(tokens[role])])) as Record<SignInRole, string>;
}
