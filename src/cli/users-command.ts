import { Command } from 'commander';
import { z } from 'zod';
import { USER_ROLES } from '../domain/roles.js';
import { setLoginCredentials, unlockSignIn } from '../api/auth/sign-in/login-credentials.js';
import { disableUser, enableUser } from '../api/auth/revocation.js';
import { LIFETIME_SPAN, tokenLimitsOf } from '../api/auth/token-lifetime.js';
import { addUser, unlockUser, UserInputError } from '../api/auth/users.js';
import type { Config } from '../config.js';
import { parseCommandOptions } from './command-options.js';
import { promptHidden, readFirstLine } from './users-password-input.js';
import { collect, withIdentityStore } from './users-database.js';

const addOptionsSchema = z.object({
  name: z.string().trim().min(1, 'the printed name is required'),
  role: z.enum(USER_ROLES),
  site: z.array(z.string().min(1)).default([]),
  signingPasswordStdin: z.boolean().default(false),
  expires: z.string().regex(LIFETIME_SPAN, 'a span like 8h or 45m').optional(),
});

/** Who signs needs a signing password: from stdin when asked, else a hidden prompt for QA at a terminal. */
async function signingPassword(options: z.infer<typeof addOptionsSchema>): Promise<string | undefined> {
  if (options.signingPasswordStdin) return readFirstLine();
  if (options.role === 'qa' && process.stdin.isTTY) return promptHidden(`Signing password for ${options.name}: `);
  return undefined;
}

/** `v2v users add|unlock|disable|enable`: the people who use the API, lifting a signer's lock, taking a user back. */
export function usersCommand(config: () => Config): Command {
  const users = new Command('users').description('people who use the API: their role, sites and signing password');
  users
    .command('add')
    .description('create a user and print a bearer token for it (local key set)')
    .requiredOption('--name <name>', 'printed name, as a signature shows it')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--site <id>', 'a site the user acts for (repeatable; none for admin)', collect, [])
    .option('--signing-password-stdin', "read the signing password from stdin's first line")
    .option('--expires <span>', 'token lifetime, e.g. 8h, 45m; at most V2V_AUTH_USER_TOKEN_MAX_HOURS (the default)')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(addOptionsSchema, raw);
      const password = await signingPassword(options);
      const created = await withIdentityStore(config, (db, stackRoot) =>
        addUser(db, stackRoot, { name: options.name, role: options.role, sites: options.site, ...(password === undefined ? {} : { signingPassword: password }) }, {
          limits: tokenLimitsOf(config()),
          ...(options.expires ? { expiresIn: options.expires } : {}),
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
  users
    .command('disable')
    .description('refuse every token of a user from the next request on; it can no longer sign')
    .argument('[user]', 'the user id')
    .option('--user <id>', 'the user id (or give it as the argument)')
    .action(async (positional: string | undefined, raw: { user?: string }) => {
      const id = raw.user ?? positional;
      if (!id) throw new UserInputError('user', 'name the user to disable: v2v users disable <user id>.');
      const user = await withIdentityStore(config, (db) => disableUser(db, id));
      console.log(`${user.name} (${user.role}) is disabled since ${user.disabledAt!.toISOString()}: its tokens get 401 and it cannot sign.`);
    });
  users
    .command('enable')
    .description('let a disabled user in again')
    .requiredOption('--user <id>', 'the user id')
    .action(async (raw: { user: string }) => {
      const user = await withIdentityStore(config, (db) => enableUser(db, raw.user));
      console.log(`${user.name} (${user.role}) is enabled again.`);
    });
  return users;
}
