import { Command } from 'commander';
import { databaseOwnerUrl, type Config } from '../config.js';
import { createDatabase, requireDatabaseUrl } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { seedReferenceData } from '../db/seed.js';
import { configWithStack } from './stack-env.js';

/** Migrations, then the product profiles and reference sites: what every V2V database needs. As the owner (DATABASE_OWNER_URL). */
export async function prepareDatabase(url: string) {
  await migrateDatabase(url);
  const { db, pool } = createDatabase(url, { max: 1 });
  try {
    return await seedReferenceData(db);
  } finally {
    await pool.end();
  }
}

export function migrateCommand(config: () => Config): Command {
  return new Command('migrate')
    .description('apply the database migrations in drizzle/, then upsert the product profiles and reference sites (idempotent)')
    .action(async () => {
      const seeded = await prepareDatabase(requireDatabaseUrl(databaseOwnerUrl(configWithStack(config()))));
      console.log(`migrations applied; reference data seeded (${seeded.products} product profiles, ${seeded.sites} sites)`);
    });
}
