import pg from 'pg';
import { backOffMs } from './pacing.js';

export interface Listener {
  close(): Promise<void>;
}

const RELISTEN = { retryMs: 500, maxRetryMs: 30_000 };

/**
 * Holds one dedicated connection (not one of the pool's: it stays checked out for good) that
 * LISTENs on `channel` and calls `onNotify` for each notification. When the connection drops
 * (a restart, a failover, a network blip) it connects and listens again with back-off, and calls
 * `onNotify` once listening, since whatever was notified meanwhile is lost. Behind a
 * transaction-pooling proxy notifications may never arrive: the queue's poll still drains it.
 */
export function listen(options: { pool: pg.Pool; channel: string; onNotify: () => void; log: (msg: string, fields?: object) => void }): Listener {
  const { pool, channel, onNotify, log } = options;
  let closed = false;
  let current: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async () => {
    const client = new pg.Client(pool.options);
    let gone = false;
    const lost = (err?: Error) => {
      if (gone) return;
      gone = true;
      if (current === client) current = undefined;
      client.end().catch(() => undefined);
      if (closed) return;
      failures += 1;
      const retryInMs = backOffMs(failures, RELISTEN);
      log('table queue: the listening connection was lost; listening again, polling meanwhile', { channel, error: err?.message, retryInMs });
      retry = setTimeout(() => void connect(), retryInMs);
    };
    client.on('notification', (n) => n.channel === channel && onNotify());
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      lost(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (closed) return void client.end().catch(() => undefined);
    current = client;
    failures = 0;
    onNotify();
  };
  void connect();

  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await current?.end().catch(() => undefined);
    },
  };
}
