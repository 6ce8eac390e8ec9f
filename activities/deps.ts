import type pg from 'pg';
import type { Database } from '../src/db/client.js';

/** What the batch activities need from the process that hosts them (the worker, or a test). */
export interface ActivityDeps {
  db: Database;
  pool: pg.Pool;
  /** Structured log line; alerts go through it. Never given patient data. */
  log?: (msg: string, fields?: object) => void;
}

/** A drizzle transaction (or savepoint) handle. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
