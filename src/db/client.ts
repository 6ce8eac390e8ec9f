import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Database = ReturnType<typeof createDatabase>['db'];

export function createDatabase(url: string, options: { max?: number } = {}) {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  const db = drizzle(pool, { schema });
  return { db, pool };
}

export function requireDatabaseUrl(url: string | undefined): string {
  if (!url) throw new Error('DATABASE_URL is not set: run `npx v2v stack up` and `eval "$(npx v2v stack env)"`, or set it.');
  return url;
}
