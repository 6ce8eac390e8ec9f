import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * PostgreSQL `tstzrange`, kept as its text form ('[2026-01-01T00:00Z,2026-01-02T00:00Z)').
 * Ranges exist so that exclusion constraints can forbid overlaps in the database itself.
 */
export const tstzrange = customType<{ data: string; driverData: string }>({
  dataType: () => 'tstzrange',
});

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

// Generic in the name, so the column keeps its SQL name as a type (PgRow keys raw rows by it).
export const at = <TName extends string>(name: TName) => timestamp(name, { withTimezone: true });

/**
 * Rows written by the digital twin's history mode (`v2v simulate history --seed S`) carry the seed
 * that wrote them; real rows carry null. The seed is what `--seed S` clears before it writes again.
 */
export const simulationSeed = () => bigint('simulation_seed', { mode: 'number' });

/** Derived from the seed, never written: what reports and training filter on (`where not simulated`). */
export const simulated = () => boolean('simulated').generatedAlwaysAs(sql`simulation_seed is not null`).notNull();
