import { Command } from 'commander';
import { z } from 'zod';
import { USER_ROLES } from '../domain/roles.js';
import { addUser, unlockUser } from '../api/auth/users.js';
import type { Config } from '../config.js';
import { parseCommandOptions } from './command-options.js';
import { promptHidden, readFirstLine } from './users-password-input.js';
import { collect, withIdentityStore } from './users-database.js';

const addOptionsSchema = z.object({
  name: z.string().trim().min(1, 'the printed name is required'),
  role: z.enum(USER_ROLES),
  site: z.array(z.string().min(1)).default([]),
  signingPasswordStdin: z.boolean().default(false),
  expires: z.string().regex(/^\d+[smhdw]$/, 'a span like 12h or 30d').default('12h'),
});

/** Who signs needs a signing password: from stdin when asked, else a hidden prompt for QA at a terminal. */
async function signingPassword(options: z.infer<typeof addOptionsSchema>): Promise<string | undefined> {
  if (options.signingPasswordStdin) return readFirstLine();
  if (options.role === 'qa' && process.stdin.isTTY) return promptHidden(`Signing password for ${options.name}: `);
  return undefined;
}

/** `v2v users add|unlock`: the people who use the API, and lifting a signer's lock. */
export function usersCommand(config: () => Config): Command {
  const users = new Command('users').description('people who use the API: their role, sites and signing password');
  users
    .command('add')
    .description('create a user and print a bearer token for it (local key set)')
    .requiredOption('--name <name>', 'printed name, as a signature shows it')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--site <id>', 'a site the user acts for (repeatable; none for admin)', collect, [])
    .option('--signing-password-stdin', "read the signing password from stdin's first line")
    .option('--expires <span>', 'token lifetime, e.g. 12h, 30d', '12h')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(addOptionsSchema, raw);
      const password = await signingPassword(options);
      const created = await withIdentityStore(config, (db, stackRoot) =>
        addUser(db, stackRoot, { name: options.name, role: options.role, sites: options.site, ...(password === undefined ? {} : { signingPassword: password }) }, {
          expiresIn: options.expires,
        }),
      );
      console.error(`user ${created.id} created (${options.role}${password === undefined ? ', cannot sign' : ', can sign'}); its token:`);
      console.log(created.token);
    });
  users
    .command('unlock')
    .description('let a signer locked after wrong signing passwords sign again')
    .requiredOption('--user <id>', 'the user id')
    .action(async (raw: { user: string }) => {
      const user = await withIdentityStore(config, (db) => unlockUser(db, raw.user));
      console.log(`${user.name} (${user.role}) may sign again.`);
    });
  return users;
}
