import { createDatabase } from './client.js';
import { migrateDatabase } from './migrate.js';
import { seedReferenceData } from './seed.js';

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
