import { Command } from 'commander';
import { z } from 'zod';
import { USER_ROLES } from '../domain/roles.js';
import { setLoginCredentials, unlockSignIn } from '../api/auth/sign-in/login-credentials.js';
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
    .command('login')
    .description("give a user a user name and login password for the dashboard's embedded sign-in (no identity provider)")
    .requiredOption('--user <id>', 'the user id')
    .requiredOption('--username <name>', 'the name typed at sign-in')
    .option('--password-stdin', "read the login password from stdin's first line")
    .action(async (raw: { user: string; username: string; passwordStdin?: boolean }) => {
      const password = raw.passwordStdin ? await readFirstLine() : await promptHidden(`Login password for ${raw.username}: `);
      const user = await withIdentityStore(config, (db) => setLoginCredentials(db, raw.user, raw.username, password));
      console.log(`${user.name} (${user.role}) signs in to the dashboard as ${raw.username}.`);
    });
  users
    .command('unlock')
    .description('let a user locked after wrong signing or login passwords sign and sign in again')
    .requiredOption('--user <id>', 'the user id')
    .action(async (raw: { user: string }) => {
      const user = await withIdentityStore(config, async (db) => {
        const row = await unlockUser(db, raw.user);
        await unlockSignIn(db, raw.user);
        return row;
      });
      console.log(`${user.name} (${user.role}) may sign again.`);
      console.log('Their sign-in with a user name and password is unlocked too.');
    });
  return users;
}
