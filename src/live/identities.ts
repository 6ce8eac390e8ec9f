import { randomBytes } from 'node:crypto';
import { createApiClient, type V2vApiClient } from '../api/client/index.js';
import { issueToken, type Principal, type Role, type UserRole } from '../api/auth/identities.js';
import { politeFetch } from './polite-fetch.js';

/** The sites a live run acts for, by kind: who works where follows from them. */
export interface LiveSites {
  apheresis: readonly string[];
  treatment: readonly string[];
  facility: readonly string[];
}

/** One identity: its principal, its token and a client that sends it. */
export interface LiveIdentity {
  principal: Principal;
  token: string;
  api: V2vApiClient;
}

/**
 * Who acts in a live run, each with the identity that would make the call in reality: partner
 * systems as machines (the courier for every site, manufacturing and the QC laboratory for the
 * facility), people as users (a coordinator per hospital, a scheduler per treatment centre, a
 * gateway administrator, a QA person who signs with a password kept only in memory), and an admin
 * whose token the demo hands out.
 */
export interface LiveIdentities {
  courier: LiveIdentity;
  manufacturing: LiveIdentity;
  qcLab: LiveIdentity;
  coordinators: ReadonlyMap<string, LiveIdentity>;
  schedulers: ReadonlyMap<string, LiveIdentity>;
  gatewayAdmin: LiveIdentity;
  qa: LiveIdentity & { signingPassword: string };
  admin: LiveIdentity;
}

/** Adds a user who can sign (QA): the users table keeps the password's hash; the token is for the API. */
export type AddSigningUser = (user: { name: string; role: UserRole; sites: string[]; signingPassword: string }) => Promise<{ id: string; token: string }>;

export interface MintOptions {
  apiUrl: string;
  /** Where the local key set lives (`stackPaths(config).root`): the API verifies against it. */
  stackRoot: string;
  sites: LiveSites;
  /** Names the run in the identities' names, so two runs' custody trails tell them apart. */
  run: string;
  /** How the QA user is created: a row of the stack's users table (`createUser`), so its signatures are checked like anyone's. */
  addSigningUser: AddSigningUser;
  /** A token's lifetime (a span like 8h); by default the longest its kind may live (8 h for a person, src/config.ts). */
  expiresIn?: string;
}

/** Every identity of a run, minted at its start against the local key set. */
export async function mintLiveIdentities(o: MintOptions): Promise<LiveIdentities> {
  const all = [...o.sites.apheresis, ...o.sites.treatment, ...o.sites.facility];
  const identity = async (principal: Principal): Promise<LiveIdentity> => {
    const token = await issueToken(o.stackRoot, principal, o.expiresIn ? { expiresIn: o.expiresIn } : {});
    return { principal, token, api: createApiClient({ baseUrl: o.apiUrl, token, fetch: politeFetch }) };
  };
  const machine = (role: Role, name: string, sites: string[]) => identity({ subject: `${o.run}-${role}`, kind: 'machine', name, role, sites });
  const user = (role: Role, name: string, sites: string[], key: string = role) => identity({ subject: `${o.run}-${key}`, kind: 'user', name, role, sites });
  const bySite = async (siteIds: readonly string[], make: (site: string) => Promise<LiveIdentity>) =>
    new Map(await Promise.all(siteIds.map(async (site) => [site, await make(site)] as const)));

  // A signing password nobody types: random per run, in memory only, never printed by live mode itself.
  const signingPassword = randomBytes(12).toString('base64url');
  const qaName = `Q. Person (${o.run})`;
  const qa = await o.addSigningUser({ name: qaName, role: 'qa', sites: all, signingPassword });
  const [courier, manufacturing, qcLab, coordinators, schedulers, gatewayAdmin, admin] = await Promise.all([
    machine('courier', `courier system (${o.run})`, all),
    machine('manufacturing', `manufacturing execution system (${o.run})`, [...o.sites.facility]),
    machine('qc-lab', `QC laboratory system (${o.run})`, [...o.sites.facility]),
    bySite([...o.sites.apheresis, ...o.sites.treatment], (site) => user('coordinator', `coordinator at ${site} (${o.run})`, [site], `coordinator-${site}`)),
    bySite(o.sites.treatment, (site) => user('scheduler', `scheduler at ${site} (${o.run})`, [site], `scheduler-${site}`)),
    user('gateway-admin', `gateway administrator (${o.run})`, all),
    user('admin', `administrator (${o.run})`, []),
  ]);
  return {
    courier, manufacturing, qcLab, coordinators, schedulers, gatewayAdmin, admin,
    qa: { principal: { subject: qa.id, kind: 'user', name: qaName, role: 'qa', sites: all }, token: qa.token, api: createApiClient({ baseUrl: o.apiUrl, token: qa.token, fetch: politeFetch }), signingPassword },
  };
}

/** The identity at a site, or a sentence saying the run has none there. */
export function at(identities: ReadonlyMap<string, LiveIdentity>, site: string, who: string): LiveIdentity {
  const found = identities.get(site);
  if (!found) throw new Error(`the live run has no ${who} at ${site}`);
  return found;
}
