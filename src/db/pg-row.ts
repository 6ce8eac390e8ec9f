import type { Table } from 'drizzle-orm';

type Columns<T extends Table> = T['_']['columns'];

/**
 * A row of table `T` as node-postgres hands it to raw SQL: keyed by the columns' SQL names
 * (`event_id`, not drizzle's `eventId`), typed as drizzle infers them, except that 64-bit integers
 * arrive as text (pg parses no int8; drizzle's own queries convert them). Pick what a query
 * selects: `Pick<PgRow<typeof outbox>, 'id' | 'event_id'>`.
 */
export type PgRow<T extends Table> = {
  [K in keyof Columns<T> & keyof T['$inferSelect'] as Columns<T>[K]['_']['name']]: Columns<T>[K]['_']['columnType'] extends `PgBig${string}`
    ? Exclude<T['$inferSelect'][K], number | bigint> | string
    : T['$inferSelect'][K];
};

/** Rows handed to `json_populate_recordset(null::t, …)` as JSON: column names only, since it drops any other key without a word. */
export type JsonRecordsetRow<T extends Table> = Partial<Record<keyof PgRow<T>, unknown>>;
