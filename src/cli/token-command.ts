import { Command } from 'commander';
import { z } from 'zod';
import { inArray } from 'drizzle-orm';
import { issueLocalToken } from '../api/auth/local-keys.js';
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
    expires: z.string().regex(/^\d+[smhdw]$/, 'a span like 12h or 30d').default('12h'),
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
    .option('--expires <span>', 'token lifetime, e.g. 12h, 30d', '12h')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(tokenOptionsSchema, raw);
      const token = await withIdentityStore(config, async (db, stackRoot) => {
        let principal: Principal;
        if (options.user !== undefined) {
          const user = await findUser(db, options.user);
          if (!user) throw new Error(`--user names no user: ${options.user}.`);
          principal = principalOfUser(user);
        } else {
          const found = await db.select({ id: sites.id }).from(sites).where(inArray(sites.id, options.site));
          const missing = options.site.filter((id) => !found.some((f) => f.id === id));
          if (missing.length > 0) throw new Error(`--site names no known site: ${missing.join(', ')}.`);
          const role = options.machine!;
          principal = { subject: `${role}@${options.site.join('+')}`, kind: 'machine', name: `${role} system (${options.site.join(', ')})`, role, sites: options.site };
        }
        return issueLocalToken(stackRoot, principal, { expiresIn: options.expires });
      });
      console.log(token);
    });
}
