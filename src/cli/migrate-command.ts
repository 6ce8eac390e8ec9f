import { Command } from 'commander';
import { databaseOwnerUrl, type Config } from '../config.js';
import { requireDatabaseUrl } from '../db/client.js';
import { prepareDatabase } from '../db/prepare.js';
import { configWithStack } from './stack-env.js';

// The production stack prepares the database too (src/stack/v2v-processes.ts), so it lives in src/db.
export { prepareDatabase };

export function migrateCommand(config: () => Config): Command {
  return new Command('migrate')
    .description('apply the database migrations in drizzle/, then upsert the product profiles and reference sites (idempotent)')
    .action(async () => {
      const seeded = await prepareDatabase(requireDatabaseUrl(databaseOwnerUrl(configWithStack(config()))));
      console.log(`migrations applied; reference data seeded (${seeded.products} product profiles, ${seeded.sites} sites)`);
    });
}
