import type { Config } from '../config.js';
import { createDatabase, requireDatabaseUrl, type Database } from '../db/client.js';
import { stackPaths } from '../stack/paths.js';
import { databaseUrlFromStack } from './stack-env.js';

/** The stack's database and key directory for the identity commands, closed when `work` ends. */
export async function withIdentityStore<T>(config: () => Config, work: (db: Database, stackRoot: string) => Promise<T>): Promise<T> {
  const loaded = config();
  const { db, pool } = createDatabase(requireDatabaseUrl(databaseUrlFromStack(loaded)), { max: 1 });
  try {
    return await work(db, stackPaths(loaded).root);
  } finally {
    await pool.end();
  }
}

export const collect = (value: string, previous: string[]) => [...previous, value];
