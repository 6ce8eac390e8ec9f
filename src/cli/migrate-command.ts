import { Command } from 'commander';
import type { Config } from '../config.js';
import { createDatabase, requireDatabaseUrl } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { seedReferenceData } from '../db/seed.js';
import { databaseUrlFromStack } from './stack-env.js';

export function migrateCommand(config: () => Config): Command {
  return new Command('migrate')
    .description('apply the database migrations in drizzle/, then upsert the product profiles and reference sites (idempotent)')
    .action(async () => {
      const url = requireDatabaseUrl(databaseUrlFromStack(config()));
      await migrateDatabase(url);
      const { db, pool } = createDatabase(url, { max: 1 });
      try {
        const seeded = await seedReferenceData(db);
        console.log(`migrations applied; reference data seeded (${seeded.products} product profiles, ${seeded.sites} sites)`);
      } finally {
        await pool.end();
      }
    });
}
