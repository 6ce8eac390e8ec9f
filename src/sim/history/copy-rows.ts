import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** How much COPY text is handed to the stream at once. */
const PIECE_CHARS = 256 * 1024;

/**
 * Writes rows shaped by the drizzle table (`$inferInsert`) with one COPY … FROM STDIN, on the
 * caller's client (and so inside its transaction). Each value goes through the column's own
 * mapping to the driver, as an insert through drizzle would, so a row copied reads back exactly
 * like one inserted. Columns no row names keep their defaults. Returns the number of rows.
 */
export async function copyRows<T extends PgTable>(client: pg.PoolClient, table: T, rows: readonly T['$inferInsert'][]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => rows.some((row) => key in row));
  const names = columns.map(([, column]) => `"${column.name}"`).join(', ');
  const copy = client.query(copyFrom(`COPY "${getTableName(table)}" (${names}) FROM STDIN`));
  await pipeline(Readable.from(copyText(rows as readonly Record<string, unknown>[], columns)), copy);
  return rows.length;
}

function* copyText(rows: readonly Record<string, unknown>[], columns: [string, ReturnType<typeof getTableColumns>[string]][]): Generator<string> {
  let piece = '';
  for (const row of rows) {
    // A plain loop, not map/join: a million rows make every allocation count.
    for (let i = 0; i < columns.length; i++) {
      const [key, column] = columns[i]!;
      const value = row[key];
      piece += (i === 0 ? '' : '\t') + (value === undefined || value === null ? '\\N' : field(column.mapToDriverValue(value)));
    }
    piece += '\n';
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

const SPECIAL = /[\\\t\n\r]/;

/** COPY's text format: \N is null; backslash, tab, newline and carriage return are escaped. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (!SPECIAL.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
