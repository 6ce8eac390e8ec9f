import { customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * PostgreSQL `tstzrange`, kept as its text form ('[2026-01-01T00:00Z,2026-01-02T00:00Z)').
 * Ranges exist so that exclusion constraints can forbid overlaps in the database itself.
 */
export const tstzrange = customType<{ data: string; driverData: string }>({
  dataType: () => 'tstzrange',
});

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const at = (name: string) => timestamp(name, { withTimezone: true });
