import type { Database } from '../../db/client.js';

/** A transaction of the project's database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** The database or a transaction: every read here works inside the caller's transaction too. */
export type Db = Database | Tx;
