import type pg from 'pg';
import { inTransaction } from '../../src/db/transaction.js';

/**
 * Runs `work` as the database's owner with every user trigger of custody_events off (the
 * append-only and the chain-head triggers), in one transaction: exactly the tampering the hash
 * chain and the signed checkpoints exist to reveal.
 */
export function behindTheTriggers(owner: pg.Pool, work: (client: pg.PoolClient) => Promise<unknown>): Promise<void> {
  return inTransaction(owner, async (client) => {
    await client.query('alter table custody_events disable trigger user');
    await work(client);
    await client.query('alter table custody_events enable trigger user');
  });
}
