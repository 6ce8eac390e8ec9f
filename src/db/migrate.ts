import path from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { repoRoot } from '../stack/paths.js';

// Any constant works; it only has to be the same for every process that migrates.
const MIGRATION_LOCK = 4_242_001;

const migrationsFolder = path.join(repoRoot, 'drizzle');

/**
 * Applies the SQL migrations in drizzle/ that this database has not seen. Idempotent, and safe
 * when several workers start at once: an advisory lock lets one migrate while the others wait.
 * Migrating takes the tables' owner (DATABASE_OWNER_URL); a process's least-privilege role may call
 * this too and passes when the schema is already current, so it never needs the owner's rights.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    if (await isCurrent(client)) return;
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** True when the newest migration in drizzle/ is recorded in the database (drizzle applies by this time). */
async function isCurrent(client: pg.Client): Promise<boolean> {
  const newest = Math.max(...readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
  try {
    const { rows } = await client.query<{ last: string | null }>('select max(created_at)::text as last from drizzle.__drizzle_migrations');
    return rows[0]?.last != null && Number(rows[0].last) >= newest;
  } catch {
    return false; // no migrations table yet (or not readable): let migrate() create it, or say why it cannot
  }
}
