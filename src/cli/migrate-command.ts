import { Command } from 'commander';
import type { Config } from '../config.js';
import { requireDatabaseUrl } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { databaseUrlFromStack } from './stack-env.js';

export function migrateCommand(config: () => Config): Command {
  return new Command('migrate')
    .description('apply the database migrations in drizzle/ (idempotent)')
    .action(async () => {
      const url = requireDatabaseUrl(databaseUrlFromStack(config()));
      await migrateDatabase(url);
      console.log('migrations applied');
    });
}
