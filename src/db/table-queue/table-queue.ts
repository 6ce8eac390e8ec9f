import pg from 'pg';
import { inTransaction } from '../transaction.js';
import { Alarm } from './alarm.js';
import { listen } from './listener.js';
import { nextRound, type Pacing } from './pacing.js';

/** Every queue row has a bigserial id: its order is the queue's order. pg hands int8 over as text. */
export interface QueueRow {
  id: string;
}

export interface TableQueueOptions<Row extends QueueRow, Outcome extends string> {
  pool: pg.Pool;
  /** The table; its insert trigger (`table_queue_notify`, see drizzle/) notifies a channel of the same name. */
  table: string;
  /** The columns `send` needs, `id` among them. */
  columns: readonly (keyof Row & string)[];
  /** Null while a row is due; stamped with the time it was sent. */
  sentAtColumn: string;
  /**
   * Only the rows this SQL condition holds for (a constant written in code, never input): one table
   * drained as separate lanes, so a backlog in one never delays another.
   */
  where?: string;
  /** Where each row's outcome goes, when `send` reports one per row. */
  outcomeColumn?: string;
  /**
   * Sends one page, in id order, inside the transaction that holds the rows; throwing leaves them
   * all due. Returns one outcome per row, in the rows' order, when the queue records outcomes.
   */
  send(rows: Row[]): Promise<readonly Outcome[] | void>;
  /** Told what a committed page held (metrics); never called for a page that rolled back. */
  onSent?(rows: Row[], outcomes: readonly Outcome[] | void): void;
  log: (msg: string, fields?: object) => void;
  pageSize?: number;
  pacing?: Partial<Pacing>;
}

export interface TableQueue {
  /** Lets the round in progress finish (its sent rows get marked), then stops. */
  stop(): Promise<void>;
}

const DEFAULT_PACING: Pacing = { pollMs: 2_000, retryMs: 200, maxRetryMs: 10_000 };

/**
 * A queue kept in a table, drained in rounds. Each round, in one PostgreSQL transaction: claim the
 * oldest due rows FOR UPDATE SKIP LOCKED (so several processes share the queue without taking the
 * same row), send them, mark them sent, commit. Sending happens before the commit, so a crash in
 * between sends those rows again on the next round: delivery is at least once, and the receivers
 * are idempotent (they dedupe by a key the row carries). A page goes to `send` in id order, so per
 * key order is commit order as long as `send` keeps it.
 *
 * Woken by LISTEN/NOTIFY: the insert trigger notifies on commit, so a new row is sent at once
 * rather than at the next poll; the poll stays as the fallback for a lost notification or a
 * connection that cannot listen (a transaction-pooling proxy), which then cost one interval.
 */
export function startTableQueue<Row extends QueueRow, Outcome extends string = never>(options: TableQueueOptions<Row, Outcome>): TableQueue {
  const { pool, table, log, pageSize = 500 } = options;
  const pacing = { ...DEFAULT_PACING, ...options.pacing };
  const alarm = new Alarm();
  const claimSql = `select ${options.columns.map((c) => pg.escapeIdentifier(c)).join(', ')} from ${pg.escapeIdentifier(table)}
    where ${pg.escapeIdentifier(options.sentAtColumn)} is null${options.where === undefined ? '' : ` and (${options.where})`} order by id limit $1 for update skip locked`;
  const listener = listen({ pool, channel: table, onNotify: () => alarm.ring(), log });
  let stopping = false;

  const round = async (): Promise<number> => {
    const page = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<Row>(claimSql, [pageSize]);
      if (rows.length === 0) return undefined;
      const outcomes = await options.send(rows);
      await client.query(...markStatement(options, rows, outcomes));
      return { rows, outcomes };
    });
    if (page) options.onSent?.(page.rows, page.outcomes);
    return page?.rows.length ?? 0;
  };

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      alarm.reset();
      let claimed = 0;
      try {
        claimed = await round();
        failures = 0;
      } catch (err) {
        failures += 1;
        // The message only: a row's payload or a connection string never reaches the log.
        log(`${table}: sending failed; the rows stay due and are retried`, { error: err instanceof Error ? err.message : String(err), failures });
      }
      const next = nextRound({ claimed, pageSize, failures }, pacing);
      if (next.kind === 'after') await alarm.wait(next.ms, { wakeable: next.wakeable });
    }
    await listener.close();
  })();

  return {
    async stop() {
      stopping = true;
      alarm.interrupt();
      await loop;
    },
  };
}

function markStatement<Row extends QueueRow, Outcome extends string>(options: TableQueueOptions<Row, Outcome>, rows: Row[], outcomes: readonly Outcome[] | void): [string, unknown[]] {
  const table = pg.escapeIdentifier(options.table);
  const sentAt = pg.escapeIdentifier(options.sentAtColumn);
  const ids = rows.map((r) => r.id);
  if (options.outcomeColumn === undefined) return [`update ${table} set ${sentAt} = clock_timestamp() where id = any($1::bigint[])`, [ids]];
  if (outcomes?.length !== rows.length) throw new Error(`${options.table}: send must return one outcome per row`);
  return [
    `update ${table} q set ${sentAt} = clock_timestamp(), ${pg.escapeIdentifier(options.outcomeColumn)} = t.outcome
       from unnest($1::bigint[], $2::text[]) as t(id, outcome) where q.id = t.id`,
    [ids, outcomes],
  ];
}
