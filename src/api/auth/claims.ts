import { z } from 'zod';
import { ROLES } from '../../domain/roles.js';
import type { Principal } from './principal.js';

/** Who issues development tokens and who they are for; an OpenID Connect provider has its own. */
export const LOCAL_ISSUER = 'v2v-local';
export const API_AUDIENCE = 'v2v-api';

/** V2V's claims beside the registered ones (`sub`, `iss`, `aud`, `exp`): one schema, read and written. */
export const v2vClaimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  kind: z.enum(['user', 'machine']),
  sites: z.array(z.string().min(1)).max(200),
});

export function principalFromClaims(payload: unknown): Principal {
  const claims = v2vClaimsSchema.parse(payload);
  return { subject: claims.sub, kind: claims.kind, name: claims.name, role: claims.role, sites: claims.sites };
}

export function claimsOf(principal: Principal) {
  return { name: principal.name, role: principal.role, kind: principal.kind, sites: principal.sites };
}
