import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { startTableQueue, type QueueRow, type TableQueue } from '../../src/db/table-queue/table-queue.js';
import { stackConfig, unique } from '../setup/services.js';

// The owner: this test creates and drops its own queue tables, which the processes' role may not.
const url = stackConfig().DATABASE_OWNER_URL ?? stackConfig().DATABASE_URL!;
const { pool } = createDatabase(url, { max: 4 });
/** A minute: far longer than any wait below, so only a notification can explain a prompt send. */
const POLL_MS = 60_000;
const tables: string[] = [];
const queues: TableQueue[] = [];
const problems: string[] = [];
const log = (msg: string, fields?: object) => problems.push(`${msg} ${JSON.stringify(fields)}`);

beforeAll(() => migrateDatabase(url));
afterAll(async () => {
  await Promise.all(queues.map((q) => q.stop()));
  for (const table of tables) await pool.query(`drop table if exists ${pg.escapeIdentifier(table)}`);
  await pool.end();
});

/** A queue table of this run's own, with the insert trigger every queue table has, or without it. */
async function queueTable(options: { notifies: boolean }) {
  const table = unique('table_queue_test').replaceAll('-', '_');
  tables.push(table);
  const name = pg.escapeIdentifier(table);
  await pool.query(`create table ${name} (id bigserial primary key, body text not null, sent_at timestamptz)`);
  if (options.notifies) await pool.query(`create trigger notify after insert on ${name} for each statement execute function table_queue_notify()`);
  return table;
}

function startQueue(table: string, pollMs: number) {
  const sent: { body: string; at: number }[] = [];
  const queue = startTableQueue<QueueRow & { body: string }>({
    pool,
    table,
    columns: ['id', 'body'],
    sentAtColumn: 'sent_at',
    log,
    pacing: { pollMs },
    async send(rows) {
      for (const row of rows) sent.push({ body: row.body, at: Date.now() });
    },
  });
  queues.push(queue);
  return { queue, sent };
}

async function waitUntil(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The queue's own connection has run its LISTEN (and sits idle after it). */
const listening = async (table: string) =>
  (await pool.query(`select 1 from pg_stat_activity where query = $1 and state = 'idle'`, [`listen ${pg.escapeIdentifier(table)}`])).rows.length > 0;

const insert = (table: string, body: string) => pool.query(`insert into ${pg.escapeIdentifier(table)} (body) values ($1)`, [body]);

describe('a table queue', () => {
  it('sends a committed row within moments, woken by its notification, though it polls only once a minute', async () => {
    const table = await queueTable({ notifies: true });
    const { sent } = startQueue(table, POLL_MS);
    await waitUntil('the queue listens', () => listening(table));
    // Let the start-up rounds pass, so the row below can only be found through its notification.
    await new Promise((r) => setTimeout(r, 300));

    const insertedAt = Date.now();
    await insert(table, 'first');
    await waitUntil('the row is sent', () => sent.length === 1, 5_000);
    expect(sent[0]!.body).toBe('first');
    expect(sent[0]!.at - insertedAt).toBeLessThan(3_000);
    expect((await pool.query(`select sent_at from ${pg.escapeIdentifier(table)}`)).rows[0].sent_at).not.toBeNull();
    expect(problems).toEqual([]);
  });

  it('listens again after its connection drops, and is woken on the new one', async () => {
    const table = await queueTable({ notifies: true });
    const { sent } = startQueue(table, POLL_MS);
    await waitUntil('the queue listens', () => listening(table));
    await pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where query = $1`, [`listen ${pg.escapeIdentifier(table)}`]);
    await waitUntil('the queue listens again', () => listening(table));
    await new Promise((r) => setTimeout(r, 300));

    await insert(table, 'after the drop');
    await waitUntil('the row is sent', () => sent.length === 1, 5_000);
    expect(problems.splice(0).map((p) => p.slice(0, p.indexOf(' {')))).toEqual(['table queue: the listening connection was lost; listening again, polling meanwhile']);
  });

  it('still drains by polling when no notification arrives', async () => {
    const silent = await queueTable({ notifies: false });
    const slow = startQueue(silent, POLL_MS);
    const polling = startQueue(await queueTable({ notifies: false }), 500);
    await waitUntil('both queues listen', async () => (await listening(silent)) && (await listening(tables.at(-1)!)));
    await new Promise((r) => setTimeout(r, 300));

    await insert(silent, 'unannounced');
    await insert(tables.at(-1)!, 'unannounced');
    await waitUntil('the polling queue sends its row', () => polling.sent.length === 1, 5_000);
    // Without a notification, a queue polling once a minute has not seen its row yet.
    expect(slow.sent).toEqual([]);
    expect(problems).toEqual([]);
  });
});
