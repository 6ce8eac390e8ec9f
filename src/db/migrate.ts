import path from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { repoRoot } from '../stack/paths.js';

// Any constant works; it only has to be the same for every process that migrates.
const MIGRATION_LOCK = 4_242_001;

/**
 * Applies the SQL migrations in drizzle/ that this database has not seen. Idempotent, and safe
 * when several workers start at once: an advisory lock lets one migrate while the others wait.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: path.join(repoRoot, 'drizzle') });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
