/**
 * Who is signed in. The token lives in sessionStorage (gone when the tab closes); its payload is
 * decoded for display and for hiding actions the role cannot take, never to decide anything: the API
 * verifies the signature and filters by role and site.
 */
const KEY = 'v2v.token';

export interface Identity {
  name: string;
  /** A role of src/api/auth/principal.ts (ROLES); the API's access table decides what it may do. */
  role: string;
  sites: string[];
  expiresAt?: Date;
}

export interface Session {
  token: string;
  identity: Identity;
}

function decodePayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function identityOf(token: string): Identity | undefined {
  const payload = decodePayload(token);
  if (!payload || typeof payload.role !== 'string') return undefined;
  return {
    name: typeof payload.name === 'string' ? payload.name : String(payload.sub ?? 'unknown'),
    role: payload.role,
    sites: Array.isArray(payload.sites) ? payload.sites.filter((s): s is string => typeof s === 'string') : [],
    ...(typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000) } : {}),
  };
}

/** The demo prints `http://…/#token=…`: take the token from the fragment and strip it from the address bar. */
export function takeTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/board`);
}

const expired = (identity: Identity) => identity.expiresAt !== undefined && identity.expiresAt.getTime() <= Date.now();

export function currentSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  if (!token) return undefined;
  const identity = identityOf(token);
  return identity && !expired(identity) ? { token, identity } : undefined;
}

/** Why the stored token no longer signs in, if it expired. */
export function expiredNotice(): string | undefined {
  const token = sessionStorage.getItem(KEY);
  const identity = token ? identityOf(token) : undefined;
  return identity && expired(identity) ? `The token of ${identity.name} expired at ${identity.expiresAt!.toLocaleString()}: sign in again.` : undefined;
}

export function signIn(token: string): Session | undefined {
  const identity = identityOf(token.trim());
  if (!identity) return undefined;
  sessionStorage.setItem(KEY, token.trim());
  return { token: token.trim(), identity };
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

const roleIn = (...roles: string[]) => (role: string) => roles.includes(role);

/** What the UI offers a role (the access table of src/api/auth/route-access.ts); the API refuses the rest anyway. */
export const can = {
  book: roleIn('scheduler', 'coordinator', 'admin'),
  sign: roleIn('qa'),
  seeQaQueue: roleIn('qa', 'admin'),
  seeEquipment: roleIn('coordinator', 'qa', 'gateway-admin', 'admin'),
  seeTelemetry: roleIn('coordinator', 'qa', 'gateway-admin', 'admin'),
  seeBatches: roleIn('coordinator', 'qa', 'scheduler', 'admin'),
  seeCapacity: roleIn('coordinator', 'admin'),
  enrol: roleIn('coordinator', 'admin'),
  /** The treating physician signs an urgency tier; the scheduler role stands for the physician until one exists. */
  signUrgency: roleIn('scheduler'),
};
