import { Command } from 'commander';
import { z } from 'zod';
import { inArray } from 'drizzle-orm';
import { issueLocalToken } from '../api/auth/local-keys.js';
import { revokeSubjectTokens, revokeToken, tokenToRevoke } from '../api/auth/revocation.js';
import { LIFETIME_SPAN, tokenLimitsOf } from '../api/auth/token-lifetime.js';
import type { Principal } from '../api/auth/principal.js';
import { MACHINE_ROLES } from '../domain/roles.js';
import { findUser, principalOfUser } from '../api/auth/users.js';
import type { Config } from '../config.js';
import { sites } from '../db/schema/index.js';
import { parseCommandOptions } from './command-options.js';
import { collect, withIdentityStore } from './users-database.js';

const tokenOptionsSchema = z
  .object({
    user: z.string().min(1).optional(),
    machine: z.enum(MACHINE_ROLES).optional(),
    site: z.array(z.string().min(1)).default([]),
    expires: z.string().regex(LIFETIME_SPAN, 'a span like 8h, 45m or 30d').optional(),
  })
  .refine((o) => (o.user === undefined) !== (o.machine === undefined), { message: 'give either --user or --machine', path: ['user'] })
  .refine((o) => o.machine === undefined || o.site.length > 0, { message: 'a machine identity acts for at least one site', path: ['site'] })
  .refine((o) => o.user === undefined || o.site.length === 0, { message: "a user's sites come from its record; drop --site", path: ['site'] });

/** `v2v token`: a bearer token, signed with the stack's local key, for a user or a partner system. */
export function tokenCommand(config: () => Config): Command {
  return new Command('token')
    .description('print a bearer token for a user (--user) or a partner system (--machine with --site)')
    .option('--user <id>', 'a user id (v2v users add)')
    .option('--machine <role>', `a partner system: ${MACHINE_ROLES.join(', ')}`)
    .option('--site <id>', "a site the machine acts for (repeatable)", collect, [])
    .option('--expires <span>', 'token lifetime, e.g. 8h, 30d; at most V2V_AUTH_USER_TOKEN_MAX_HOURS for a user, V2V_AUTH_MACHINE_TOKEN_MAX_DAYS for a machine (the default)')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(tokenOptionsSchema, raw);
      const token = await withIdentityStore(config, async (db, stackRoot) => {
        let principal: Principal;
        if (options.user !== undefined) {
          const user = await findUser(db, options.user);
          if (!user) throw new Error(`--user names no user: ${options.user}.`);
          if (user.disabledAt) throw new Error(`--user ${options.user} is disabled (v2v users enable to allow it again).`);
          principal = principalOfUser(user);
        } else {
          const found = await db.select({ id: sites.id }).from(sites).where(inArray(sites.id, options.site));
          const missing = options.site.filter((id) => !found.some((f) => f.id === id));
          if (missing.length > 0) throw new Error(`--site names no known site: ${missing.join(', ')}.`);
          const role = options.machine!;
          principal = { subject: `${role}@${options.site.join('+')}`, kind: 'machine', name: `${role} system (${options.site.join(', ')})`, role, sites: options.site };
        }
        return issueLocalToken(stackRoot, principal, { limits: tokenLimitsOf(config()), ...(options.expires ? { expiresIn: options.expires } : {}) });
      });
      console.log(token);
    })
    .addCommand(revokeCommand(config));
}

const revokeOptionsSchema = z
  .object({
    token: z.string().min(1).optional(),
    jti: z.string().min(1).max(500).optional(),
    subject: z.string().min(1).max(500).optional(),
    reason: z.string().trim().min(1, 'say why (it is kept with the revocation)').max(500),
  })
  .refine((o) => [o.token, o.subject].filter((x) => x !== undefined).length === 1, { message: 'give either --token or --subject', path: ['token'] });

/** `v2v token revoke`: one token (its jti on the deny-list) or every token a subject holds now. */
function revokeCommand(config: () => Config): Command {
  return new Command('revoke')
    .description('refuse a token from the next request on (--token), or every token of a user or partner system issued until now (--subject)')
    .option('--token <jwt>', 'the token to revoke (its jti goes on the deny-list until its exp)')
    .option('--subject <sub>', "a token's sub: a user id, or a machine identity such as courier@site-a")
    .requiredOption('--reason <text>', 'why, kept with the revocation')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(revokeOptionsSchema, raw);
      const said = await withIdentityStore(config, async (db) => {
        if (options.token !== undefined) {
          const target = tokenToRevoke(options.token);
          await revokeToken(db, target, options.reason);
          return `token ${target.jti} of ${target.subject} revoked (refused until it would have expired, ${target.expiresAt.toISOString()}).`;
        }
        const cutoff = await revokeSubjectTokens(db, options.subject!, options.reason);
        return `every token of ${options.subject} issued up to ${cutoff.toISOString()} is revoked; tokens issued from the next second on are accepted.`;
      });
      console.log(said);
    });
}
